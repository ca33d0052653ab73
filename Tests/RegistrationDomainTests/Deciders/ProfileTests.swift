import Foundation
import Testing

@testable import RegistrationDomain

@Suite("Candidate: personal profile (DOMAIN §2)")
struct ProfileTests {
    let ctx = Fixture.candidate()
    let registered = given(History.registered().events)
    let now = "2024-12-20T02:00:00.000Z"

    func contact(_ change: (inout ContactInput) -> Void) -> CandidateCommand {
        var input = Fixture.contact
        change(&input)
        return .updateContact(UpdateContactDetails(candidateID: Fixture.zhang, contact: input))
    }

    func training(_ id: String = "t1", _ change: (inout TrainingInput) -> Void = { _ in }) -> CandidateCommand {
        var input = Fixture.residency
        change(&input)
        return .addTraining(AddTrainingEntry(candidateID: Fixture.zhang, entryID: id, training: input))
    }

    func certificate(_ id: String = "z1", _ change: (inout CertificateInput) -> Void = { _ in }) -> CandidateCommand {
        var input = Fixture.assistantCertificate
        change(&input)
        return .addCertificate(AddCertificateEntry(candidateID: Fixture.zhang, entryID: id, certificate: input))
    }

    func education(_ id: String = "e9", _ change: (inout EducationInput) -> Void = { _ in }) -> CandidateCommand {
        var input = Fixture.bachelor
        change(&input)
        return .addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: id, education: input))
    }

    // MARK: Contact

    @Test func contactIsRecordedWithBlankOptionalsDropped() {
        registered.when(contact { $0.workPhone = "  " }, ctx)
            .then([
                .contactUpdated(
                    ContactDetailsUpdated(
                        candidateID: Fixture.zhang,
                        homePhone: "010-12345678",
                        workPhone: nil,
                        mobile: "13800138000",
                        email: "zhangsan@example.com",
                        address: "北京市东城区东单北大街1号",
                        postcode: "100005",
                        updatedAt: now
                    )
                )
            ])
    }

    @Test func contactFieldsFollowTheValidationRules() {
        registered.when(contact { $0.homePhone = "10-1234" }, ctx)
            .thenRejects(ruleRejection { try Rules.validateLandline("10-1234", field: "contact.homePhone") })
        registered.when(contact { $0.workPhone = "010-123" }, ctx)
            .thenRejects(ruleRejection { try Rules.validateLandline("010-123", field: "contact.workPhone") })
        registered.when(contact { $0.mobile = "1380013800" }, ctx)
            .thenRejects(ruleRejection { try Rules.validateMobile("1380013800", mainland: true) })
        registered.when(contact { $0.mobile = "" }, ctx).thenRejects(.inputRequired, field: "contact.mobile")
        registered.when(contact { $0.email = "a@b" }, ctx)
            .thenRejects(ruleRejection { try Rules.validateEmail("a@b") })
        registered.when(contact { $0.address = String(repeating: "北", count: 31) }, ctx)
            .thenRejects(ruleRejection { try Rules.validateAddress(String(repeating: "北", count: 31)) })
        registered.when(contact { $0.postcode = "1000" }, ctx)
            .thenRejects(ruleRejection { try Rules.validatePostcode("1000", mainland: true) })
        registered.when(contact { $0.postcode = "" }, ctx).thenRejects(.inputRequired, field: "contact.postcode")
        registered.when(contact { $0.mobile = "１3800138000" }, ctx)
            .thenRejects(code: "input.full_width_character", field: "contact.mobile")
    }

    @Test func nonMainlandCandidatesUseTheNonMainlandMobileAndPostcodeRules() {
        var history = History()
        history.run(
            .register(
                Fixture.register(
                    name: "Chan Tai Man",
                    idType: "香港往来大陆通行证",
                    idNumber: "H1234567801",
                    sex: "男",
                    birthDate: "1990-01-01"
                )
            ),
            ctx
        )
        let hongKong = given(history.events)
        hongKong.when(
            contact {
                $0.mobile = "91234567"
                $0.postcode = "999"
            },
            ctx
        ).thenAccepts()
        registered.when(contact { $0.mobile = "91234567" }, ctx).thenRejects(code: "mobile.length")
    }

    // MARK: Work

    @Test func workIsRecorded() {
        registered.when(CandidateCommand.updateWork(UpdateWorkDetails(candidateID: Fixture.zhang, work: Fixture.work)), ctx)
            .then([
                .workUpdated(
                    WorkDetailsUpdated(
                        candidateID: Fixture.zhang,
                        onDutyStatus: "在职",
                        workUnit: "北京协和医院",
                        title: "住院医师",
                        titleObtained: "2011-11",
                        updatedAt: now
                    )
                )
            ])
    }

    @Test func workRules() {
        func work(_ change: (inout WorkInput) -> Void) -> CandidateCommand {
            var input = Fixture.work
            change(&input)
            return .updateWork(UpdateWorkDetails(candidateID: Fixture.zhang, work: input))
        }
        registered.when(work { $0.onDutyStatus = "退休" }, ctx).thenRejects(.inputInvalidChoice, field: "work.onDutyStatus")
        registered.when(work { $0.workUnit = "" }, ctx).thenRejects(.inputRequired, field: "work.workUnit")
        registered.when(work { $0.titleObtained = "2011/11" }, ctx)
            .thenRejects(ruleRejection { _ = try Rules.parseYearMonth("2011/11", field: "work.titleObtained") })
        registered.when(work { $0.title = nil }, ctx).thenRejects(.inputRequired, field: "work.title")
        // ctx is 2024-12-20 (Beijing): a title obtained next month has not been obtained yet.
        registered.when(work { $0.titleObtained = "2025-01" }, ctx).thenRejects(code: "year_month.in_future", field: "work.titleObtained")
        registered.when(work { $0.titleObtained = "2024-12" }, ctx).thenAccepts()
        // A graduate student's internship unit is typed without spaces or punctuation (the guide's 实习单位).
        registered.when(
            work {
                $0.onDutyStatus = "当年毕业研究生"
                $0.workUnit = "北京 协和医院,内科"
            },
            ctx
        ).thenRejects(code: "value.space_or_punctuation", field: "work.workUnit")
        registered.when(work { $0.workUnit = "北京大学第一医院(北大医院)" }, ctx).thenAccepts()
        registered.when(
            work {
                $0.title = nil
                $0.titleObtained = nil
            },
            ctx
        ).thenAccepts()
    }

    // MARK: Education

    @Test func educationEntriesAreAddedWithEveryField() {
        let events = registered.when(education("e1"), ctx)
            .then([
                .educationAdded(
                    EducationEntryAdded(
                        candidateID: Fixture.zhang,
                        entryID: "e1",
                        region: "大陆",
                        school: "北京大学",
                        category: "高等医学教育",
                        enrolment: "2006-07",
                        graduation: "2010-07",
                        studyForm: "普通全日制",
                        level: "本科",
                        degree: "医学学士",
                        length: "五年制",
                        major: "基础医学",
                        fiveYearJuniorCollegeClinical: false,
                        combinedMasterDoctor: false,
                        certificateNumber: "100011201005001234",
                        addedAt: now
                    )
                )
            ])
        let entry = CandidateDecider.replay(events).education["e1"]
        #expect(entry?.flags == EntryFlags(lockedBy: [], verified: false))
        #expect(entry?.record.school == "北京大学")
    }

    /// Nothing in the profile precedes the person: 张三 was born in 1990-03 (his ID number says so).
    @Test func datesAreNotBeforeTheBirthMonth() {
        #expect(registered.state.basic?.birthDate.hasPrefix("1990-03") == true)
        registered.when(education { $0.enrolment = "1899-09" }, ctx).thenRejects(code: "year_month.before_birth", field: "education.enrolment")
        registered.when(
            education {
                $0.enrolment = "1989-09"
                $0.graduation = "1990-02"
            },
            ctx
        )
        .thenRejects(code: "year_month.before_birth", field: "education.enrolment")
        registered.when(training { $0.start = "1990-02" }, ctx).thenRejects(code: "year_month.before_birth", field: "training.start")
        registered.when(
            certificate {
                $0.issued = "1905-01"
                $0.registered = "1905-02"
            },
            ctx
        )
        .thenRejects(code: "year_month.before_birth", field: "certificate.issued")
        registered.when(training { $0.start = "1990-03" }, ctx).thenAccepts()
    }

    @Test func graduationIsNotBeforeEnrolment() {
        registered.when(education { $0.graduation = "2006-06" }, ctx)
            .thenRejects(.educationGraduationBeforeEnrolment, field: "education.graduation")
        registered.when(education { $0.graduation = "2006-07" }, ctx).thenAccepts()
    }

    @Test func formalEducationNeedsSchoolDatesStudyFormAndMajor() {
        registered.when(education { $0.school = nil }, ctx).thenRejects(.inputRequired, field: "education.school")
        registered.when(education { $0.enrolment = "" }, ctx).thenRejects(.inputRequired, field: "education.enrolment")
        registered.when(education { $0.graduation = nil }, ctx).thenRejects(.inputRequired, field: "education.graduation")
        registered.when(education { $0.studyForm = nil }, ctx).thenRejects(.inputRequired, field: "education.studyForm")
        registered.when(education { $0.major = nil }, ctx).thenRejects(.inputRequired, field: "education.major")
        registered.when(education { $0.graduation = "2010-7" }, ctx)
            .thenRejects(ruleRejection { _ = try Rules.parseYearMonth("2010-7", field: "education.graduation") })
    }

    @Test func typedProfileTextIsHalfWidth() {
        registered.when(education { $0.school = "北京大学（医学部）" }, ctx)
            .thenRejects(code: "input.full_width_character", field: "education.school")
        registered.when(education { $0.enrolment = "２006-07" }, ctx)
            .thenRejects(code: "input.full_width_character", field: "education.enrolment")
        registered.when(education { $0.certificateNumber = "１00011201005001234" }, ctx)
            .thenRejects(code: "input.full_width_character", field: "education.certificateNumber")
        registered.when(contact { $0.address = "北京市东城区１号" }, ctx)
            .thenRejects(code: "input.full_width_character", field: "contact.address")
    }

    @Test func choicesComeFromTheLists() {
        registered.when(education { $0.region = "火星" }, ctx).thenRejects(.inputInvalidChoice, field: "education.region")
        registered.when(education { $0.category = "x" }, ctx).thenRejects(.inputInvalidChoice, field: "education.category")
        registered.when(education { $0.level = "大学" }, ctx).thenRejects(.inputInvalidChoice, field: "education.level")
        registered.when(education { $0.studyForm = "函授" }, ctx).thenRejects(.inputInvalidChoice, field: "education.studyForm")
        registered.when(education { $0.degree = "学霸" }, ctx).thenRejects(.inputInvalidChoice, field: "education.degree")
        registered.when(education { $0.length = "六年制" }, ctx).thenRejects(.inputInvalidChoice, field: "education.length")
    }

    @Test func noFormalEducationNeedsNoSchoolGraduationStudyFormOrCertificate() {
        let none = EducationInput(region: "大陆", category: "其它", level: "无学历")
        registered.when(CandidateCommand.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "n", education: none)), ctx)
            .thenAccepts { events in
                guard case .educationAdded(let e) = events.first else {
                    Issue.record("not added")
                    return
                }
                #expect(e.school == nil && e.graduation == nil && e.studyForm == nil && e.certificateNumber == "")
            }
    }

    @Test func apprenticeshipNeedsNoSchoolOrGraduationButAStudyForm() {
        let apprentice = EducationInput(region: "大陆", category: "其它", level: "师承/确有专长")
        let add = CandidateCommand.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "m", education: apprentice))
        registered.when(add, ctx).thenRejects(.inputRequired, field: "education.studyForm")
        var withForm = apprentice
        withForm.studyForm = "其它"
        registered.when(CandidateCommand.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "m", education: withForm)), ctx)
            .thenAccepts()
    }

    @Test func certificateNumbersFollowTheValidationRule() {
        registered.when(education { $0.certificateNumber = "1000112010050012345" }, ctx)
            .thenRejects(
                ruleRejection {
                    try Rules.validateEducationCertificateNumber(
                        "1000112010050012345",
                        field: "education.certificateNumber",
                        electronicRegistration: true
                    )
                }
            )
        registered.when(education { $0.certificateNumber = "10001120100500123X" }, ctx)
            .thenRejects(
                ruleRejection {
                    try Rules.validateEducationCertificateNumber("10001120100500123X", field: "education.certificateNumber")
                }
            )
    }

    /// FAQ:828-830 and HUBEI:98: a 中专 certificate's number is typed as printed (the Hubei guide's verified record:
    /// 中专, 1996, 毕业证编号 1952471).
    @Test func aSecondaryCertificateNumberIsTypedAsPrinted() {
        let hubei: (inout EducationInput) -> Void = {
            $0.school = "黄陂卫生职工中等专业学校"
            $0.category = "中等医学教育"
            $0.enrolment = "1993-09"
            $0.graduation = "1996-07"
            $0.level = "中专"
            $0.degree = "无学位"
            $0.length = "三年制"
            $0.major = "医士"
            $0.certificateNumber = "1952471"
        }
        registered.when(education("z", hubei), ctx).thenAccepts { events in
            guard case .educationAdded(let e) = events.first else {
                Issue.record("not added")
                return
            }
            #expect(e.certificateNumber == "1952471")
        }
        // A 中专 after 2001 has no electronic registration number either.
        registered.when(
            education("z") {
                hubei(&$0)
                $0.enrolment = "2005-09"
                $0.graduation = "2008-07"
            },
            ctx
        ).thenAccepts()
        registered.when(
            education("z") {
                hubei(&$0)
                $0.certificateNumber = "1952 471"
            },
            ctx
        ).thenRejects(code: "certificate_number.invalid_character", field: "education.certificateNumber")
    }

    /// FAQ:848-852: a mainland 专科-or-higher certificate of 2001 or later carries the 18-digit 电子注册号, which is what
    /// is typed; earlier ones are typed as printed.
    @Test func higherEducationFrom2001OnGivesTheEighteenDigitElectronicRegistrationNumber() {
        func graduated(_ month: String, number: String, level: String = "本科") -> CandidateCommand {
            education {
                $0.enrolment = "1995-09"
                $0.graduation = month
                $0.level = level
                if level == "专科" { $0.degree = nil }
                $0.certificateNumber = number
            }
        }
        registered.when(graduated("2000-12", number: "199905001234"), ctx).thenAccepts()
        registered.when(graduated("2001-01", number: "199905001234"), ctx)
            .thenRejects(code: "certificate_number.electronic_registration_number", field: "education.certificateNumber")
        registered.when(graduated("2001-01", number: "100011200105001234"), ctx).thenAccepts()
        registered.when(graduated("2001-07", number: "10001120010500123", level: "专科"), ctx)
            .thenRejects(code: "certificate_number.electronic_registration_number")
        registered.when(graduated("1999-07", number: "1000112010050012345"), ctx).thenRejects(code: "certificate_number.length")
        let rejection = registered.when(graduated("2010-07", number: "12345678"), ctx).rejection
        #expect(rejection?.message.contains("18位电子注册号") == true, "\(String(describing: rejection))")
    }

    /// Our reading (DOMAIN-NOTES.md): a certificate from Hong Kong, Macau, Taiwan or abroad has no mainland number; it
    /// may be left empty (the 认证书 is checked on site), and a number typed is digits, as printed, never required to
    /// be 18 digits.
    @Test(arguments: ["港澳台", "国外"])
    func certificatesFromOutsideTheMainland(region: String) {
        let outside: (inout EducationInput) -> Void = {
            $0.region = region
            $0.school = region == "国外" ? "首尔大学" : "香港大学"
            $0.certificateNumber = ""
        }
        registered.when(education("x", outside), ctx).thenAccepts()
        registered.when(
            education("x") {
                outside(&$0)
                $0.certificateNumber = "20150001"
            },
            ctx
        ).thenAccepts()
        let letters = registered.when(
            education("x") {
                outside(&$0)
                $0.certificateNumber = "HKU2015001"
            },
            ctx
        )
        letters.thenRejects(code: "certificate_number.invalid_character", field: "education.certificateNumber")
        #expect(letters.rejection?.message.contains("可以不填") == true)
    }

    @Test func certificateNumberMayBeEmptyOnlyInTheAllowedCases() {
        let bachelor = registered.when(education { $0.certificateNumber = "" }, ctx)
        bachelor.thenRejects(.educationCertificateNumberRequired, field: "education.certificateNumber")
        #expect(bachelor.rejection?.message.contains("18位电子注册号") == true)
        let secondary = registered.when(
            education {
                $0 = Fixture.secondary
                $0.certificateNumber = ""
            },
            ctx
        )
        secondary.thenRejects(.educationCertificateNumberRequired, field: "education.certificateNumber")
        #expect(secondary.rejection?.message.contains("按毕业证书上的编号填写") == true)
        let master: (inout EducationInput) -> Void = {
            $0.level = "硕士研究生"
            $0.degree = "医学硕士"
            $0.length = "三年制"
            $0.enrolment = "2022-09"
            $0.graduation = "2025-07"
            $0.certificateNumber = ""
        }
        // A graduate entry needs the on-duty status 当年毕业研究生 …
        let notGraduating = registered.when(education("e9", master), ctx)
        notGraduating.thenRejects(.educationCertificateNumberRequired, field: "education.certificateNumber")
        #expect(notGraduating.rejection?.message.contains("当年毕业研究生") == true)
        given(History.graduatingStudent().events).when(education("e9", master), ctx).thenAccepts()
        // … or the 硕博连读 flag.
        registered.when(
            education {
                master(&$0)
                $0.level = "博士研究生"
                $0.enrolment = "2010-09"
                $0.graduation = "2015-07"
                $0.combinedMasterDoctor = true
            },
            ctx
        ).thenAccepts()
        // A bachelor entry never may, whatever the work status.
        given(History.graduatingStudent().events).when(education { $0.certificateNumber = "" }, ctx)
            .thenRejects(.educationCertificateNumberRequired)
    }

    /// PAY:62 / 2025:55 / FAQ:202-204: 当年毕业研究生 are those graduating this year, without a certificate yet. The year
    /// is the season's (2025 in the fixture), whatever the clock says.
    @Test func onlyThisSeasonsGraduatesAreGraduatingStudents() {
        func master(graduating month: String) -> CandidateCommand {
            education("m") {
                $0.level = "硕士研究生"
                $0.degree = "医学硕士"
                $0.length = "三年制"
                $0.enrolment = "2017-09"
                $0.graduation = month
                $0.certificateNumber = ""
            }
        }
        let graduating = given(History.graduatingStudent().events)
        let old = graduating.when(master(graduating: "2020-07"), ctx)
        old.thenRejects(.educationCertificateNumberRequired, field: "education.certificateNumber")
        #expect(old.rejection?.message.contains("毕业年月为2020-07") == true, "\(String(describing: old.rejection))")
        graduating.when(master(graduating: "2024-12"), ctx).thenRejects(.educationCertificateNumberRequired)
        graduating.when(master(graduating: "2025-01"), ctx).thenAccepts()
        graduating.when(master(graduating: "2026-06"), ctx).thenAccepts()
        // An 在校研究生 (graduating after the exam year) records the entry without a number (在校研究生…可不填写).
        given(History.registered().events).when(master(graduating: "2030-07"), ctx).thenAccepts()
        // A number means the certificate was issued: graduated by the exam year.
        let slip = given(History.registered().events).when(
            education("b9") {
                $0.graduation = "9999-12"
            },
            ctx
        )
        slip.thenRejects(code: "year_month.in_future", field: "education.graduation")
        // The 2026 season: a 2025 graduate is no longer one of this year's, on the same day.
        var season2026 = Fixture.season
        season2026.seasonID = "2026"
        graduating.when(master(graduating: "2025-07"), Fixture.candidate(season: season2026))
            .thenRejects(.educationCertificateNumberRequired)
        graduating.when(master(graduating: "2026-07"), Fixture.candidate(season: season2026)).thenAccepts()
        // No season opened yet: the year of the command's date (2024-12-20).
        graduating.when(master(graduating: "2024-07"), Fixture.candidate(season: SeasonState())).thenAccepts()
        graduating.when(master(graduating: "2023-07"), Fixture.candidate(season: SeasonState()))
            .thenRejects(.educationCertificateNumberRequired)
    }

    // MARK: Free text

    /// Control characters are refused in every free-text field, with the field's label in the message.
    @Test func freeTextRefusesControlCharacters() {
        func expectRefused(
            _ command: CandidateCommand,
            _ field: String,
            _ label: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            let then = registered.when(command, ctx)
            then.thenRejects(code: "input.control_character", field: field, sourceLocation: sourceLocation)
            #expect(then.rejection?.message.hasPrefix(label) == true, "\(String(describing: then.rejection))", sourceLocation: sourceLocation)
        }
        func work(_ change: (inout WorkInput) -> Void) -> CandidateCommand {
            var input = Fixture.work
            change(&input)
            return .updateWork(UpdateWorkDetails(candidateID: Fixture.zhang, work: input))
        }
        expectRefused(work { $0.workUnit = "北京协和医院\n内科" }, "work.workUnit", "工作单位")
        expectRefused(work { $0.title = "住院\t医师" }, "work.title", "职称")
        // Invisible format characters: a value that reads like another (北京协和医院), or reorders what follows it.
        expectRefused(work { $0.workUnit = "北京协和\u{200B}医院" }, "work.workUnit", "工作单位")
        expectRefused(work { $0.workUnit = "\u{FEFF}北京协和医院" }, "work.workUnit", "工作单位")
        expectRefused(education { $0.school = "北京\u{202E}大学" }, "education.school", "学校")
        let invisible = registered.when(work { $0.workUnit = "北京协和\u{200B}医院" }, ctx)
        #expect(invisible.rejection?.message.contains("不可见的格式字符（U+200B）") == true, "\(String(describing: invisible.rejection))")
        expectRefused(education { $0.school = "北京大学\u{2028}医学部" }, "education.school", "学校")
        expectRefused(education { $0.major = "基础医学\u{85}" }, "education.major", "专业")
        expectRefused(training { $0.institution = "北京协和医院\r" }, "training.institution", "培训基地")
        expectRefused(training { $0.specialty = "内科\u{2029}" }, "training.specialty", "培训专业")
        expectRefused(certificate { $0.number = "2008111101\u{1B}" }, "certificate.number", "证书编号")
        expectRefused(certificate { $0.registrationNumber = "1101101000\t12345" }, "certificate.registrationNumber", "注册编号")
        registered.when(
            CandidateCommand.changeRecoveryQuestion(
                ChangeRecoveryQuestion(candidateID: Fixture.zhang, question: "我的母校\n?", answer: "北京大学")
            ),
            ctx
        ).thenRejects(code: "input.control_character", field: "recoveryQuestion")
        // The address and the certificate number keep their own rules, which refuse them too.
        registered.when(contact { $0.address = "北京市东城区\n东单北大街1号" }, ctx)
            .thenRejects(code: "address.invalid_character", field: "contact.address")
        registered.when(education { $0.certificateNumber = "100011201005001234\n" }, ctx)
            .thenRejects(code: "certificate_number.invalid_character", field: "education.certificateNumber")
        // A space and Chinese punctuation are ordinary text.
        registered.when(work { $0.workUnit = "北京大学第一医院 内科、外科" }, ctx).thenAccepts()
    }

    @Test func levelFlagsMustFitTheLevel() {
        registered.when(education { $0.fiveYearJuniorCollegeClinical = true }, ctx)
            .thenRejects(.educationFlagNotApplicable, field: "education.fiveYearJuniorCollegeClinical")
        registered.when(education { $0.combinedMasterDoctor = true }, ctx)
            .thenRejects(.educationFlagNotApplicable, field: "education.combinedMasterDoctor")
        registered.when(
            education {
                $0.level = "专科"
                $0.degree = "无学位"
                $0.length = "五年制"
                $0.fiveYearJuniorCollegeClinical = true
            },
            ctx
        )
        .thenAccepts()
        // Degrees are awarded from 本科 on; a 本科 graduate may hold a 硕士 degree (同等学力).
        for level in ["专科", "中专"] {
            registered.when(
                education {
                    $0.level = level
                    $0.degree = "学士"
                },
                ctx
            )
            .thenRejects(.educationFlagNotApplicable, field: "education.degree")
        }
        registered.when(education { $0.degree = "硕士" }, ctx).thenAccepts()
    }

    @Test func entryIDsAreUniqueAndAmendmentsNeedAnExistingEntry() {
        let history = given(History.withEducation().events)
        history.when(education("e1"), ctx).thenRejects(.entryAlreadyExists, field: "entryID")
        history.when(education(" "), ctx).thenRejects(.inputRequired, field: "entryID")
        history.when(
            CandidateCommand.amendEducation(AmendEducationEntry(candidateID: Fixture.zhang, entryID: "nope", education: Fixture.bachelor)),
            ctx
        )
        .thenRejects(.entryNotFound, field: "entryID")
        history.when(CandidateCommand.removeEducation(RemoveEducationEntry(candidateID: Fixture.zhang, entryID: "nope")), ctx)
            .thenRejects(.entryNotFound)
    }

    @Test func unlockedEntriesCanBeAmendedAndRemoved() {
        var changed = Fixture.bachelor
        changed.major = "临床医学"
        let history = given(History.withEducation().events)
        let amended = history.when(
            CandidateCommand.amendEducation(AmendEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: changed)),
            ctx
        )
        .thenAccepts()
        #expect(CandidateDecider.replay(amended).education["e1"]?.record.major == "临床医学")
        let removed = history.when(CandidateCommand.removeEducation(RemoveEducationEntry(candidateID: Fixture.zhang, entryID: "e1")), ctx)
            .then([.educationRemoved(EducationEntryRemoved(candidateID: Fixture.zhang, entryID: "e1", removedAt: now))])
        #expect(CandidateDecider.replay(removed).education.isEmpty)
    }

    @Test func lockedEntriesCannotBeAmendedOrRemoved() {
        let submitted = given(History.submitted().events)
        let at = Fixture.candidate(at: T.registration)
        submitted.when(
            CandidateCommand.amendEducation(AmendEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)),
            at
        )
        .thenRejects(.applicationLockedEntry, field: "entryID")
        submitted.when(CandidateCommand.removeEducation(RemoveEducationEntry(candidateID: Fixture.zhang, entryID: "e1")), at)
            .thenRejects(.applicationLockedEntry, field: "entryID")
    }

    @Test func candidatesEditOnlyTheirOwnProfile() {
        registered.when(education(), Fixture.candidate("c-other")).thenRejects(.authNotOwnFile)
        registered.when(education(), Fixture.reviewer()).thenRejects(.authForbidden)
        registered.when(education(), Fixture.actor(.auditor)).thenRejects(.authReadOnly)
    }

    // MARK: Training

    @Test func trainingEntriesHaveOrderedDatesAndAKind() {
        let events = registered.when(training(), ctx)
            .then([
                .trainingAdded(
                    TrainingEntryAdded(
                        candidateID: Fixture.zhang,
                        entryID: "t1",
                        kind: "住院医师规范化培训",
                        institution: "北京协和医院",
                        specialty: "内科",
                        start: "2010-09",
                        end: "2013-08",
                        certificateNumber: "ZP2013001",
                        addedAt: now
                    )
                )
            ])
        registered.when(training { $0.end = "2010-08" }, ctx).thenRejects(.trainingEndBeforeStart, field: "training.end")
        registered.when(training { $0.kind = "进修" }, ctx).thenRejects(.inputInvalidChoice, field: "training.kind")
        registered.when(training { $0.institution = "" }, ctx).thenRejects(.inputRequired, field: "training.institution")
        registered.when(training { $0.certificateNumber = "ZP 2013-001" }, ctx)
            .thenRejects(code: "value.space_or_punctuation", field: "training.certificateNumber")
        let history = given(events)
        history.when(training(), ctx).thenRejects(.entryAlreadyExists)
        var changed = Fixture.residency
        changed.specialty = "外科"
        let amended = history.when(
            CandidateCommand.amendTraining(AmendTrainingEntry(candidateID: Fixture.zhang, entryID: "t1", training: changed)),
            ctx
        )
        .thenAccepts()
        #expect(CandidateDecider.replay(amended).training["t1"]?.specialty == "外科")
        history.when(CandidateCommand.removeTraining(RemoveTrainingEntry(candidateID: Fixture.zhang, entryID: "t1")), ctx)
            .then([.trainingRemoved(TrainingEntryRemoved(candidateID: Fixture.zhang, entryID: "t1", removedAt: now))])
        history.when(CandidateCommand.removeTraining(RemoveTrainingEntry(candidateID: Fixture.zhang, entryID: "t2")), ctx)
            .thenRejects(.entryNotFound)
    }

    // MARK: Certificates

    @Test func certificatesAreRegisteredAfterIssue() {
        let events = registered.when(certificate(), ctx)
            .then([
                .certificateAdded(
                    CertificateEntryAdded(
                        candidateID: Fixture.zhang,
                        entryID: "z1",
                        type: "执业助理医师",
                        issued: "2008-03",
                        number: "200811110110101199",
                        registered: "2008-06",
                        registrationNumber: "110110100012345",
                        addedAt: now
                    )
                )
            ])
        registered.when(certificate { $0.registered = "2008-02" }, ctx)
            .thenRejects(.certificateRegisteredBeforeIssued, field: "certificate.registered")
        registered.when(certificate { $0.type = "护士执业证书" }, ctx).thenRejects(.inputInvalidChoice, field: "certificate.type")
        registered.when(certificate { $0.number = "" }, ctx).thenRejects(.inputRequired, field: "certificate.number")
        // Numbers are typed without spaces or punctuation (the guide: 不得有空格、标点符号).
        registered.when(certificate { $0.number = "ZS 2019-001/x" }, ctx)
            .thenRejects(code: "value.space_or_punctuation", field: "certificate.number")
        registered.when(certificate { $0.registrationNumber = "R12-34.5" }, ctx)
            .thenRejects(code: "value.space_or_punctuation", field: "certificate.registrationNumber")
        // ctx is 2024-12-20: neither the issue nor the registration can lie ahead.
        registered.when(certificate { $0.issued = "2030-01" }, ctx).thenRejects(code: "year_month.in_future", field: "certificate.issued")
        registered.when(
            certificate {
                $0.issued = "2024-11"
                $0.registered = "2030-02"
            },
            ctx
        ).thenRejects(code: "year_month.in_future", field: "certificate.registered")
        let history = given(events)
        history.when(certificate(), ctx).thenRejects(.entryAlreadyExists)
        let amended = history.when(
            CandidateCommand.amendCertificate(
                AmendCertificateEntry(
                    candidateID: Fixture.zhang,
                    entryID: "z1",
                    certificate: CertificateInput(type: "执业助理医师（乡镇）", issued: "2009-01", number: "N1")
                )
            ),
            ctx
        )
        .thenAccepts()
        #expect(CandidateDecider.replay(amended).certificates["z1"]?.type == "执业助理医师（乡镇）")
        history.when(CandidateCommand.removeCertificate(RemoveCertificateEntry(candidateID: Fixture.zhang, entryID: "z1")), ctx)
            .then([.certificateRemoved(CertificateEntryRemoved(candidateID: Fixture.zhang, entryID: "z1", removedAt: now))])
    }

    @Test func lockedTrainingAndCertificatesStayPut() {
        var history = History.withEducation()
        history.run(.addTraining(AddTrainingEntry(candidateID: Fixture.zhang, entryID: "t1", training: Fixture.residency)), ctx)
        history.run(
            .addCertificate(AddCertificateEntry(candidateID: Fixture.zhang, entryID: "z1", certificate: Fixture.assistantCertificate)),
            ctx
        )
        history.run(Fixture.submit(training: ["t1"], certificate: "z1"), Fixture.candidate(at: T.registration))
        let submitted = given(history.events)
        submitted.when(CandidateCommand.removeTraining(RemoveTrainingEntry(candidateID: Fixture.zhang, entryID: "t1")), ctx)
            .thenRejects(.applicationLockedEntry)
        submitted.when(
            CandidateCommand.amendTraining(AmendTrainingEntry(candidateID: Fixture.zhang, entryID: "t1", training: Fixture.residency)),
            ctx
        )
        .thenRejects(.applicationLockedEntry)
        submitted.when(CandidateCommand.removeCertificate(RemoveCertificateEntry(candidateID: Fixture.zhang, entryID: "z1")), ctx)
            .thenRejects(.applicationLockedEntry)
        submitted.when(
            CandidateCommand.amendCertificate(
                AmendCertificateEntry(candidateID: Fixture.zhang, entryID: "z1", certificate: Fixture.assistantCertificate)
            ),
            ctx
        )
        .thenRejects(.applicationLockedEntry)
    }

    @Test func entriesKeepTheOrderTheyWereAddedIn() {
        var history = History.registered()
        for id in ["b", "a", "c"] {
            history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: id, education: Fixture.bachelor)), ctx)
        }
        #expect(history.state.educationInOrder.map(\.entryID) == ["b", "a", "c"])
    }
}
