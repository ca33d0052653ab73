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

    @Test func certificateNumberIsEighteenDigits() {
        registered.when(education { $0.certificateNumber = "12345" }, ctx)
            .thenRejects(ruleRejection { try Rules.validateEducationCertificateNumber("12345", field: "education.certificateNumber") })
        registered.when(education { $0.certificateNumber = "10001120100500123X" }, ctx)
            .thenRejects(
                ruleRejection {
                    try Rules.validateEducationCertificateNumber("10001120100500123X", field: "education.certificateNumber")
                }
            )
    }

    @Test func certificateNumberMayBeEmptyOnlyInTheAllowedCases() {
        registered.when(education { $0.certificateNumber = "" }, ctx)
            .thenRejects(.educationCertificateNumberRequired, field: "education.certificateNumber")
        let master: (inout EducationInput) -> Void = {
            $0.level = "硕士研究生"
            $0.degree = "医学硕士"
            $0.length = "三年制"
            $0.certificateNumber = ""
        }
        // A graduate entry needs the on-duty status 当年毕业研究生 …
        registered.when(education("e9", master), ctx)
            .thenRejects(.educationCertificateNumberRequired, field: "education.certificateNumber")
        var graduating = History.registered()
        graduating.run(
            .updateWork(
                UpdateWorkDetails(
                    candidateID: Fixture.zhang,
                    work: WorkInput(onDutyStatus: "当年毕业研究生", workUnit: "北京大学第一医院")
                )
            ),
            ctx
        )
        given(graduating.events).when(education("e9", master), ctx).thenAccepts()
        // … or the 硕博连读 flag.
        registered.when(
            education {
                master(&$0)
                $0.level = "博士研究生"
                $0.combinedMasterDoctor = true
            },
            ctx
        ).thenAccepts()
        // A bachelor entry never may, whatever the work status.
        given(graduating.events).when(education { $0.certificateNumber = "" }, ctx)
            .thenRejects(.educationCertificateNumberRequired)
    }

    @Test func levelFlagsMustFitTheLevel() {
        registered.when(education { $0.fiveYearJuniorCollegeClinical = true }, ctx)
            .thenRejects(.educationFlagNotApplicable, field: "education.fiveYearJuniorCollegeClinical")
        registered.when(education { $0.combinedMasterDoctor = true }, ctx)
            .thenRejects(.educationFlagNotApplicable, field: "education.combinedMasterDoctor")
        registered.when(
            education {
                $0.level = "专科"
                $0.length = "五年制"
                $0.fiveYearJuniorCollegeClinical = true
            },
            ctx
        )
        .thenAccepts()
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
        func training(_ id: String = "t1", _ change: (inout TrainingInput) -> Void = { _ in }) -> CandidateCommand {
            var input = Fixture.residency
            change(&input)
            return .addTraining(AddTrainingEntry(candidateID: Fixture.zhang, entryID: id, training: input))
        }
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
        func certificate(_ id: String = "z1", _ change: (inout CertificateInput) -> Void = { _ in }) -> CandidateCommand {
            var input = Fixture.assistantCertificate
            change(&input)
            return .addCertificate(AddCertificateEntry(candidateID: Fixture.zhang, entryID: id, certificate: input))
        }
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
