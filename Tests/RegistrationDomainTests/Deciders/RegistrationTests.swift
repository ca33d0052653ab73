import Foundation
import Testing

@testable import RegistrationDomain

@Suite("Candidate: registration (DOMAIN §1)")
struct RegistrationTests {
    let ctx = Fixture.candidate()

    func when(_ command: RegisterCandidate, at now: Date = T.beforeRegistration) -> Then<CandidateDecider> {
        given([]).when(CandidateCommand.register(command), Fixture.candidate(command.candidateID, at: now))
    }

    @Test func aResidentIDRegistrationDerivesSexAndBirthDate() {
        when(Fixture.register())
            .then([
                .registered(
                    CandidateRegistered(
                        candidateID: "c-zhang",
                        username: "zhangsan",
                        name: "张三",
                        surnamePinyin: "zhang",
                        givenNamePinyin: "san",
                        idType: "居民身份证",
                        idNumber: Fixture.zhangID,
                        sex: "男",
                        birthDate: "1990-03-07",
                        nationality: "中国",
                        ethnicity: "汉族",
                        identity: nil,
                        registeredAt: "2024-12-20T02:00:00.000Z"
                    )
                )
            ])
    }

    @Test func anEvenSeventeenthDigitIsFemale() {
        let id = Fixture.residentID("11010519920815124")
        when(Fixture.register(idNumber: id)).thenAccepts { events in
            guard case .registered(let e) = events.first else {
                Issue.record("no registration")
                return
            }
            #expect(e.sex == "女")
            #expect(e.birthDate == "1992-08-15")
        }
    }

    @Test func typedSexOrBirthDateMustAgreeWithTheResidentID() {
        when(Fixture.register(sex: "男", birthDate: "1990-03-07")).thenAccepts()
        when(Fixture.register(sex: "女")).thenRejects(.registrationDerivedMismatch, field: "sex")
        when(Fixture.register(birthDate: "1990-03-08")).thenRejects(.registrationDerivedMismatch, field: "birthDate")
    }

    @Test func otherIDTypesTypeSexAndBirthDateByHand() {
        let officer = Fixture.register(idType: "军官证", idNumber: "JG20101234", sex: "女", birthDate: "1985-06-01")
        when(officer).thenAccepts { events in
            guard case .registered(let e) = events.first else {
                Issue.record("no registration")
                return
            }
            #expect(e.sex == "女")
            #expect(e.birthDate == "1985-06-01")
            #expect(e.idType == "军官证")
        }
        when(Fixture.register(idType: "军官证", idNumber: "JG20101234", birthDate: "1985-06-01"))
            .thenRejects(.inputRequired, field: "sex")
        when(Fixture.register(idType: "军官证", idNumber: "JG20101234", sex: "M", birthDate: "1985-06-01"))
            .thenRejects(.inputInvalidChoice, field: "sex")
        when(Fixture.register(idType: "军官证", idNumber: "JG20101234", sex: "男"))
            .thenRejects(.inputRequired, field: "birthDate")
        when(Fixture.register(idType: "军官证", idNumber: "JG20101234", sex: "男", birthDate: "1985/06/01"))
            .thenRejects(ruleRejection { _ = try Rules.parseCalendarDate("1985/06/01", field: "birthDate") })
    }

    @Test func unknownIDTypesAreRefused() {
        when(Fixture.register(idType: "驾驶证")).thenRejects(.inputInvalidChoice, field: "idType")
    }

    @Test func theIDNumberRuleIsTheValidationRule() {
        let wrongCheck = "11010519900307123" + (Fixture.zhangID.last == "0" ? "1" : "0")
        when(Fixture.register(idNumber: wrongCheck))
            .thenRejects(ruleRejection { try Rules.validateIDNumber(wrongCheck, type: .residentID) })
        when(Fixture.register(idNumber: "110105900307123"))
            .thenRejects(ruleRejection { try Rules.validateIDNumber("110105900307123", type: .residentID) })
        when(Fixture.register(idType: "香港身份证", idNumber: "A123", sex: "男", birthDate: "1990-01-01"))
            .thenRejects(ruleRejection { try Rules.validateIDNumber("A123", type: .hongKongID) })
    }

    @Test func theNameRuleDependsOnTheIDType() {
        when(Fixture.register(name: "Zhang San"))
            .thenRejects(ruleRejection { try Rules.validateName("Zhang San", idType: .residentID) })
        when(Fixture.register(name: "阿依古丽.买买提")).thenAccepts()
        when(Fixture.register(name: "张?")).thenAccepts()
        let hongKong = Fixture.register(
            name: "Chan Tai Man",
            idType: "香港往来大陆通行证",
            idNumber: "H1234567801",
            sex: "男",
            birthDate: "1990-01-01"
        )
        when(hongKong).thenAccepts()
        when(Fixture.register(name: "CHAN TAI MAN", idType: "香港往来大陆通行证", idNumber: "H1234567801", sex: "男", birthDate: "1990-01-01"))
            .thenRejects(ruleRejection { try Rules.validateName("CHAN TAI MAN", idType: .hongKongPass) })
    }

    @Test func pinyinIsRequiredLetters() {
        var command = Fixture.register()
        command.surnamePinyin = ""
        when(command).thenRejects(ruleRejection { try Rules.validatePinyin("", field: "surnamePinyin") })
        command = Fixture.register()
        command.givenNamePinyin = "san3"
        when(command).thenRejects(ruleRejection { try Rules.validatePinyin("san3", field: "givenNamePinyin") })
    }

    @Test func ageMustBeBetween18And75OnTheDayOfRegistration() {
        // Born 2006-12-21: 17 on 2024-12-20 (Beijing), 18 the next day.
        let young = Fixture.residentID("11010520061221123")
        when(Fixture.register(idNumber: young), at: T.at("2024-12-20T02:00:00.000Z"))
            .thenRejects(
                ruleRejection { try Rules.validateAge(birthDate: CalendarDate(iso: "2006-12-21")!, today: CalendarDate(iso: "2024-12-20")!) }
            )
        // 2024-12-20T16:00Z is already 2024-12-21 in Beijing: the candidate turned 18.
        when(Fixture.register(idNumber: young), at: T.at("2024-12-20T16:00:00.000Z")).thenAccepts()
        // 76 on 2024-12-19: refused; 75 and a day: still allowed.
        let old = Fixture.residentID("11010519481219123")
        when(Fixture.register(idNumber: old))
            .thenRejects(
                ruleRejection { try Rules.validateAge(birthDate: CalendarDate(iso: "1948-12-19")!, today: CalendarDate(iso: "2024-12-20")!) }
            )
        when(Fixture.register(idNumber: Fixture.residentID("11010519491219123"))).thenAccepts()
    }

    @Test func nationalityFollowsTheIDType() {
        when(Fixture.register(nationality: "日本")).thenRejects(.registrationNationalityMismatch, field: "nationality")
        let passport = Fixture.register(
            name: "John Smith",
            idType: "外籍护照",
            idNumber: "E12345678",
            sex: "男",
            birthDate: "1980-01-01",
            nationality: "中国",
            ethnicity: nil
        )
        when(passport).thenRejects(.registrationNationalityMismatch, field: "nationality")
        var fixed = passport
        fixed.nationality = "美国"
        when(fixed).thenAccepts { events in
            guard case .registered(let e) = events.first else {
                Issue.record("no registration")
                return
            }
            #expect(e.ethnicity == "其它", "a foreign passport defaults ethnicity to 其它")
            #expect(e.nationality == "美国")
        }
        fixed.nationality = ""
        when(fixed).thenRejects(.inputRequired, field: "nationality")
        fixed.nationality = "火星国xyz"
        when(fixed).thenRejects(.inputInvalidChoice, field: "nationality")
        fixed.nationality = "刚果(金)"
        when(fixed).thenAccepts()
    }

    @Test func nationalitiesComeFromTheList() {
        #expect(Nationality.all.count == 195, "the 193 members of the United Nations and its two observer states")
        #expect(Set(Nationality.all).count == Nationality.all.count)
        #expect(Nationality.all.first == Nationality.china)
        for name in Nationality.all { #expect(ruleRejection { try Rules.validateHalfWidth(name, field: "nationality") } == nil, "\(name)") }
    }

    @Test func ethnicityComesFromTheList() {
        when(Fixture.register(ethnicity: "回族")).thenAccepts()
        when(Fixture.register(ethnicity: "火星族")).thenRejects(.inputInvalidChoice, field: "ethnicity")
        when(Fixture.register(ethnicity: nil)).thenRejects(.inputRequired, field: "ethnicity")
        #expect(Ethnicities.all.count == 58)
        #expect(Set(Ethnicities.all).count == 58)
    }

    @Test(arguments: [1, 2, 4, 5])
    func activeServicemenMustRegisterWithAResidentID(identity: Int) {
        when(Fixture.register(identity: identity)).thenAccepts()
        when(Fixture.register(idType: "军官证", idNumber: "JG20101234", sex: "男", birthDate: "1985-06-01", identity: identity))
            .thenRejects(.registrationActiveServiceRequiresResidentID, field: "identity")
    }

    @Test(arguments: [3, 6])
    func civilianEmployeesMayUseTheirUnitCard(identity: Int) {
        when(Fixture.register(idType: "士兵证", idNumber: "SB20101234", sex: "男", birthDate: "1985-06-01", identity: identity))
            .thenAccepts()
    }

    @Test(arguments: [0, 7, -1])
    func identityIsOneToSix(identity: Int) {
        when(Fixture.register(identity: identity)).thenRejects(.inputInvalidChoice, field: "identity")
    }

    @Test func passwordAndRecoveryAnswerAreValidatedButNeverRecorded() throws {
        when(Fixture.register(password: "abc"))
            .thenRejects(ruleRejection { try Rules.validatePassword("abc") })
        when(Fixture.register(password: "abc_12345"))
            .thenRejects(ruleRejection { try Rules.validatePassword("abc_12345") })
        when(Fixture.register(recoveryAnswer: "abc"))
            .thenRejects(ruleRejection { try Rules.validateRecoveryAnswer("abc") })
        var noQuestion = Fixture.register()
        noQuestion.recoveryQuestion = ""
        when(noQuestion).thenRejects(.inputRequired, field: "recoveryQuestion")

        let secret = "Secret9876"
        let answer = "我的秘密答案"
        let events = try CandidateDecider.decide(.register(Fixture.register(password: secret, recoveryAnswer: answer)), in: ctx, state: .init())
        let json = String(decoding: try JSONEncoder().encode(CandidateEventBox(events)), as: UTF8.self)
        #expect(json.contains("zhangsan"))
        #expect(!json.contains(secret))
        #expect(!json.contains(answer))
        #expect(!json.contains("我的母校"))
        #expect(!json.lowercased().contains("password"))
    }

    @Test func typedInputIsHalfWidth() {
        when(Fixture.register(username: "ｚhangsan"))
            .thenRejects(ruleRejection { try Rules.validateUsername("ｚhangsan") })
        var command = Fixture.register()
        command.recoveryQuestion = "我的母校？"
        when(command).thenRejects(code: "input.full_width_character", field: "recoveryQuestion")
        when(Fixture.register(idType: "军官证", idNumber: "JG20101234", sex: "男", birthDate: "１985-06-01"))
            .thenRejects(code: "input.full_width_character", field: "birthDate")
    }

    @Test func theFileNeedsAnID() {
        given([]).when(CandidateCommand.register(Fixture.register(id: "")), Fixture.candidate(""))
            .thenRejects(.inputRequired, field: "candidateID")
    }

    @Test func aFileRegistersOnce() {
        given(History.registered().events)
            .when(CandidateCommand.register(Fixture.register(username: "zhangsan2")), ctx)
            .thenRejects(.registrationAlreadyRegistered, field: "candidateID")
    }

    @Test func candidatesRegisterOnlyThemselves() {
        given([]).when(CandidateCommand.register(Fixture.register()), Fixture.candidate("someone-else"))
            .thenRejects(.authNotOwnFile, field: "candidateID")
        given([]).when(CandidateCommand.register(Fixture.register()), Fixture.actor(.admin))
            .thenRejects(.authForbidden)
        given([]).when(CandidateCommand.register(Fixture.register()), Fixture.actor(.auditor))
            .thenRejects(.authReadOnly)
    }

    @Test func basicInformationIsLockedForTheCandidate() {
        given(History.submitted().events)
            .when(
                CandidateCommand.correctBasicInfo(
                    CorrectBasicInfo(candidateID: Fixture.zhang, applicationID: "a1", field: .name, newValue: "张叁", reason: "写错了")
                ),
                Fixture.candidate(at: T.review)
            )
            .thenRejects(.profileBasicInfoLocked, field: "name")
    }

    @Test func commandsOnAnUnregisteredFileAreRefused() {
        given([])
            .when(CandidateCommand.updateContact(UpdateContactDetails(candidateID: Fixture.zhang, contact: Fixture.contact)), ctx)
            .thenRejects(.candidateNotRegistered, field: "candidateID")
    }
}

@Suite("Candidate: uniqueness claims")
struct ClaimsTests {
    @Test func registrationClaimsThePersonAndTheUsername() {
        let events = History.registered().events
        #expect(
            CandidateClaims.keys(for: events) == [
                "person:居民身份证:\(Fixture.zhangID)", "id-number:\(Fixture.zhangID)", "username:zhangsan",
            ]
        )
    }

    @Test func usernamesAreClaimedCaseInsensitivelyAndXIsUpperCase() {
        #expect(CandidateClaims.usernameKey("ZhangSan") == "username:zhangsan")
        #expect(CandidateClaims.personKey(idType: "居民身份证", idNumber: "11010519491231002x") == "person:居民身份证:11010519491231002X")
        #expect(CandidateClaims.idNumberKey("11010519491231002x") == "id-number:11010519491231002X")
    }

    @Test func aCorrectedIDNumberIsClaimedToo() {
        let newID = Fixture.residentID("11010519900307133")
        var history = History.submitted()
        let events = history.run(
            .correctBasicInfo(
                CorrectBasicInfo(candidateID: Fixture.zhang, applicationID: "a1", field: .idNumber, newValue: newID, reason: "证件号码录入错误")
            ),
            Fixture.reviewer()
        )
        #expect(CandidateClaims.keys(for: events) == ["person:居民身份证:\(newID)", "id-number:\(newID)"])
        #expect(CandidateClaims.keys(for: History.submitted().events.suffix(2)).isEmpty)
    }

    @Test func theDuplicateMessageNamesTheExistingUsername() {
        let rejection = CandidateClaims.alreadyRegistered(username: "lisi2020")
        #expect(rejection.code == "registration.person_already_registered")
        #expect(rejection.field == "idNumber")
        #expect(rejection.message.contains("已经以用户名lisi2020在网站上完成了注册"))
        #expect(rejection.message.contains("资格审核现场"))
        let taken = CandidateClaims.usernameTaken("zhangsan")
        #expect(taken.code == "registration.username_taken")
        #expect(taken.message.contains("zhangsan"))
    }
}

/// Encodes candidate events as a JSON array of payloads (for tests that inspect the encoded text).
struct CandidateEventBox: Encodable {
    let events: [CandidateEvent]
    init(_ events: [CandidateEvent]) { self.events = events }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for event in events { try container.encode(event.payload) }
    }
}
