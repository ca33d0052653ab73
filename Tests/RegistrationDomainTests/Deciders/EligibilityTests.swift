import Foundation
import Testing

@testable import RegistrationDomain

/// Who may apply for which exam, in the cases the guides state plainly (DOMAIN-NOTES.md): the 执业助理医师 route to
/// 执业医师, the 初中起点五年制大专 rule, 乡村全科执业助理医师, 无学历 and 师承/确有专长, 军事医学 for active servicemen.
@Suite("Candidate: eligibility rules of the guides")
struct EligibilityTests {
    /// 2025-01-10, during online registration (the month of applying is 2025-01).
    let during = Fixture.candidate(at: T.registration)
    let ctx = Fixture.candidate()

    func add(_ id: String, _ input: EducationInput, to history: inout History) {
        history.run(.addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: id, education: input)), ctx)
    }

    func add(certificate id: String, _ input: CertificateInput, to history: inout History) {
        history.run(.addCertificate(AddCertificateEntry(candidateID: Fixture.zhang, entryID: id, certificate: input)), ctx)
    }

    func certificate(type: String = "执业助理医师", issued: String = "2008-03", registered: String?, number: String?) -> CertificateInput {
        CertificateInput(type: type, issued: issued, number: "200811110110101199", registered: registered, registrationNumber: number)
    }

    // MARK: 执业助理医师 → 执业医师 (FAQ:832-838)

    /// FAQ:834-838: 只有已获得“执业助理医师”并报考“执业医师”的考生，需填写……“执业助理医师注册登记号”（即《医师执业证书》中的
    /// 注册登记号码）; 2025:74-75: 注册年月 and 注册编号 are the 执业证书's.
    @Test func aPhysicianExamOnAnAssistantCertificateNeedsItsRegistration() {
        var history = History.registered()
        add("zz", Fixture.secondary, to: &history)
        add(certificate: "full", certificate(registered: "2008-06", number: "110110100012345"), to: &history)
        add(certificate: "noMonth", certificate(registered: nil, number: "110110100012345"), to: &history)
        add(certificate: "noNumber", certificate(registered: "2008-06", number: nil), to: &history)
        add(certificate: "neither", certificate(registered: nil, number: nil), to: &history)
        let file = given(history.events)
        file.when(Fixture.submit(education: ["zz"], certificate: "full"), during).thenAccepts()
        let noMonth = file.when(Fixture.submit(education: ["zz"], certificate: "noMonth"), during)
        noMonth.thenRejects(.applicationCertificateRegistrationRequired, field: "certificateEntryID")
        #expect(noMonth.rejection?.message.contains("注册年月") == true)
        let noNumber = file.when(Fixture.submit(education: ["zz"], certificate: "noNumber"), during)
        noNumber.thenRejects(.applicationCertificateRegistrationRequired, field: "certificateEntryID")
        #expect(noNumber.rejection?.message.contains("注册编号") == true && noNumber.rejection?.message.contains("注册年月") == false)
        let neither = file.when(Fixture.submit(education: ["zz"], certificate: "neither"), during)
        #expect(neither.rejection?.message.contains("注册年月和注册编号") == true, "\(String(describing: neither.rejection))")
        // Any education: ticking the certificate for a 执业医师 exam is applying on its strength.
        add("e1", Fixture.bachelor, to: &history)
        given(history.events).when(Fixture.submit(education: ["e1"], certificate: "noNumber"), during)
            .thenRejects(.applicationCertificateRegistrationRequired)
        // 其他考生不必填写: an assistant exam with the same certificate.
        file.when(Fixture.submit(exam: "120", education: ["zz"], certificate: "neither"), during).thenAccepts()
        file.when(Fixture.submit(exam: "130", education: ["zz"], certificate: "neither"), during).thenAccepts()
    }

    @Test func theProfileKeepsTheRegistrationOptional() {
        given(History.registered().events)
            .when(
                CandidateCommand.addCertificate(
                    AddCertificateEntry(candidateID: Fixture.zhang, entryID: "z", certificate: certificate(registered: nil, number: nil))
                ),
                ctx
            )
            .thenAccepts()
    }

    // MARK: 初中起点五年制大专 (2025:483-485)

    /// A 初中起点五年制大专临床专业 entry: 专科, five years, the flag.
    static let fiveYear = EducationInput(
        region: "大陆",
        school: "南阳医学高等专科学校",
        category: "高等医学教育",
        enrolment: "2013-09",
        graduation: "2018-07",
        studyForm: "普通全日制",
        level: "专科",
        degree: "无学位",
        length: "五年制",
        major: "临床医学",
        fiveYearJuniorCollegeClinical: true,
        certificateNumber: "140981201806001234"
    )

    /// 2025:485: 五年一贯制大专毕业生取得执业助理医师资格并执业满两年后，可以报考执业医师资格. Applying in 2025-01: a
    /// registration in 2023-01 is two years (24 months) before, 2023-02 is not.
    @Test func aFiveYearCollegeGraduateAppliesForPhysicianAfterTwoYearsOfPractice() {
        var history = History.registered()
        add("f5", Self.fiveYear, to: &history)
        add(certificate: "twoYears", certificate(issued: "2022-12", registered: "2023-01", number: "141141100012345"), to: &history)
        add(certificate: "short", certificate(issued: "2022-12", registered: "2023-02", number: "141141100012346"), to: &history)
        add(
            certificate: "township",
            certificate(type: "执业助理医师（乡镇）", issued: "2019-12", registered: "2020-03", number: "141141100012347"),
            to: &history
        )
        let file = given(history.events)
        let none = file.when(Fixture.submit(education: ["f5"]), during)
        none.thenRejects(.applicationFiveYearCollegePracticeRequired, field: "certificateEntryID")
        #expect(none.rejection?.message.contains("执业满两年") == true)
        file.when(Fixture.submit(education: ["f5"], certificate: "township"), during)
            .thenRejects(.applicationFiveYearCollegePracticeRequired, field: "certificateEntryID")
        let short = file.when(Fixture.submit(education: ["f5"], certificate: "short"), during)
        short.thenRejects(.applicationFiveYearCollegePracticeRequired, field: "certificateEntryID")
        #expect(short.rejection?.message.contains("2023-02") == true, "\(String(describing: short.rejection))")
        file.when(Fixture.submit(education: ["f5"], certificate: "twoYears"), during).thenAccepts()
        // Every 执业医师 exam; assistant exams need no certificate.
        file.when(Fixture.submit(exam: "210", education: ["f5"]), during).thenRejects(.applicationFiveYearCollegePracticeRequired)
        file.when(Fixture.submit(exam: "120", education: ["f5"]), during).thenAccepts()
        // The same 专科 without the flag applies like any 专科 graduate.
        var plain = Self.fiveYear
        plain.fiveYearJuniorCollegeClinical = false
        var ordinary = History.registered()
        add("f3", plain, to: &ordinary)
        given(ordinary.events).when(Fixture.submit(education: ["f3"]), during).thenAccepts()
    }

    /// The rule looks at the highest ticked education, as the 中专 rule does: a later 本科 ticked with it carries the
    /// application.
    @Test func theFiveYearRuleLooksAtTheHighestTickedEducation() {
        var history = History.registered()
        add("f5", Self.fiveYear, to: &history)
        var bachelor = Fixture.bachelor
        bachelor.enrolment = "2019-03"
        bachelor.graduation = "2022-01"
        bachelor.studyForm = "成人教育"
        bachelor.major = "临床医学"
        bachelor.certificateNumber = "100011202205001234"
        add("b", bachelor, to: &history)
        given(history.events).when(Fixture.submit(education: ["f5", "b"]), during).thenAccepts()
    }

    /// A 高等非医学教育 degree ticked beside a 中专 or a 五年制大专 does not lift their rules: an accounting 本科 makes no
    /// one eligible for a 执业医师 exam (only medical entries count as the highest education).
    @Test func aNonMedicalDegreeDoesNotLiftTheSecondaryOrFiveYearRules() {
        var accounting = Fixture.bachelor
        accounting.category = "高等非医学教育"
        accounting.major = "会计学"
        accounting.studyForm = "自学考试"
        accounting.enrolment = "2016-03"
        accounting.graduation = "2019-07"
        accounting.certificateNumber = "100011201905001234"
        var history = History.registered()
        add("zz", Fixture.secondary, to: &history)
        add("f5", Self.fiveYear, to: &history)
        add("acc", accounting, to: &history)
        let file = given(history.events)
        file.when(Fixture.submit(education: ["zz", "acc"]), during).thenRejects(.applicationAssistantCertificateRequired)
        file.when(Fixture.submit(education: ["f5", "acc"]), during).thenRejects(.applicationFiveYearCollegePracticeRequired)
    }

    /// The two-year count runs to the month of applying, from the injected clock: the same certificate that is short
    /// in 2025-01 is enough a month later.
    @Test func twoYearsAreCountedToTheMonthOfApplying() {
        var history = History.registered()
        add("f5", Self.fiveYear, to: &history)
        add(certificate: "c", certificate(issued: "2022-12", registered: "2023-02", number: "141141100012345"), to: &history)
        var later = Fixture.calendar
        later.registrationCloses = T.at("2025-03-01T00:00:00.000Z")
        later.reviewOpens = T.at("2025-03-01T00:00:00.000Z")
        later.reviewCloses = T.at("2025-04-01T00:00:00.000Z")
        later.paymentOpens = T.at("2025-03-15T00:00:00.000Z")
        later.paymentCloses = T.at("2025-04-15T00:00:00.000Z")
        var season = Fixture.season
        season.calendar = later
        let file = given(history.events)
        // 2025-01-31T17:00Z is 2025-02-01 in Beijing: the month of applying is February.
        file.when(Fixture.submit(education: ["f5"], certificate: "c"), Fixture.candidate(at: T.at("2025-01-31T15:59:00.000Z"), season: season))
            .thenRejects(.applicationFiveYearCollegePracticeRequired)
        file.when(Fixture.submit(education: ["f5"], certificate: "c"), Fixture.candidate(at: T.at("2025-01-31T16:00:00.000Z"), season: season))
            .thenAccepts()
    }

    // MARK: 乡村全科执业助理医师 (2025:496)

    @Test func ruralGeneralAssistantNeedsAClinicalOrTraditionalEducation() {
        var history = History.registered()
        var dental = Fixture.bachelor
        dental.major = "口腔医学"
        var dentalClinical = Fixture.bachelor
        dentalClinical.major = "口腔临床医学"
        var preventive = Fixture.bachelor
        preventive.major = "预防医学"
        var computing = Fixture.bachelor
        computing.category = "高等非医学教育"
        computing.major = "计算机科学与技术"
        computing.degree = "学士"
        var rural = Fixture.secondary
        rural.major = "农村医学"
        var traditional = Fixture.bachelor
        traditional.major = "中医学"
        add("dental", dental, to: &history)
        add("dentalClinical", dentalClinical, to: &history)
        add("preventive", preventive, to: &history)
        add("computing", computing, to: &history)
        add("rural", rural, to: &history)
        add("traditional", traditional, to: &history)
        add("basic", Fixture.bachelor, to: &history)
        let file = given(history.events)
        for refused in ["dental", "dentalClinical", "preventive", "computing"] {
            let then = file.when(Fixture.submit(exam: "130", education: [refused]), during)
            then.thenRejects(.applicationEducationNotEligible, field: "educationEntryIDs")
            #expect(then.rejection?.message.contains("临床类别、中医类别或中西医结合类别") == true, "\(refused)")
        }
        #expect(
            file.when(Fixture.submit(exam: "130", education: ["dental"]), during).rejection?.message.contains("“口腔医学”属于口腔类别")
                == true
        )
        for accepted in ["rural", "traditional", "basic"] {
            file.when(Fixture.submit(exam: "130", education: [accepted]), during).thenAccepts()
        }
        // One qualifying ticked entry is enough.
        file.when(Fixture.submit(exam: "130", education: ["dental", "rural"]), during).thenAccepts()
        // The other exams are not decided by the major here (the review site checks them).
        file.when(Fixture.submit(exam: "120", education: ["dental"]), during).thenAccepts()
    }

    // MARK: 无学历 and 师承/确有专长 (FAQ:441-443, FAQ:606-608)

    static let none = EducationInput(region: "大陆", category: "其它", level: "无学历")
    static let apprentice = EducationInput(region: "大陆", category: "其它", studyForm: "其它", level: "师承/确有专长", major: "中医内科")

    @Test(arguments: ["110", "120", "130", "210"])
    func noFormalEducationIsNotTheEducationOfTheFourCategoriesExams(exam: String) {
        var history = History.registered()
        add("n", Self.none, to: &history)
        add("m", Self.apprentice, to: &history)
        add("e1", Fixture.bachelor, to: &history)
        let file = given(history.events)
        let none = file.when(Fixture.submit(exam: exam, education: ["n"]), during)
        none.thenRejects(.applicationEducationNotEligible, field: "educationEntryIDs[0]")
        #expect(none.rejection?.message.contains("“无学历”不能作为报考") == true, "\(String(describing: none.rejection))")
        let apprentice = file.when(Fixture.submit(exam: exam, education: ["m"]), during)
        apprentice.thenRejects(.applicationEducationNotEligible, field: "educationEntryIDs[0]")
        #expect(apprentice.rejection?.message.contains("传统医学师承/确有专长类别") == true)
        // Ticked beside a formal entry, it is still not the education of this exam.
        file.when(Fixture.submit(exam: exam, education: ["e1", "m"]), during)
            .thenRejects(.applicationEducationNotEligible, field: "educationEntryIDs[1]")
    }

    /// The catalogue's 传统医学师承/确有专长 category is the exam such entries are the education of.
    @Test func apprenticesApplyForTheTraditionalMedicineApprenticeshipExam() {
        var history = History.registered()
        add("n", Self.none, to: &history)
        add("m", Self.apprentice, to: &history)
        var season = Fixture.season
        season.exams["520"] = Exam(code: "520", name: "传统医学师承和确有专长人员中医执业助理医师", level: "执业助理医师", category: "传统医学师承/确有专长")
        let file = given(history.events)
        file.when(Fixture.submit(exam: "520", education: ["m"]), Fixture.candidate(at: T.registration, season: season)).thenAccepts()
        file.when(Fixture.submit(exam: "520", education: ["n"]), Fixture.candidate(at: T.registration, season: season)).thenAccepts()
    }

    // MARK: 军事医学 (PAY:59, FAQ:196, 2025:52, FAQ:540)

    @Test(arguments: [1, 2, 4, 5])
    func activeServicemenTakeMilitaryMedicine(identity: Int) {
        var soldier = History.registered(Fixture.register(identity: identity))
        add("e1", Fixture.bachelor, to: &soldier)
        let file = given(soldier.events)
        let without = file.when(Fixture.submit(), during)
        without.thenRejects(.applicationMilitaryMedicineRequired, field: "additionalSubject")
        #expect(without.rejection?.message.contains("须加试军事医学") == true)
        file.when(Fixture.submit(additionalSubject: " "), during).thenRejects(.applicationMilitaryMedicineRequired)
        file.when(Fixture.submit(additionalSubject: "院前急救", workPost: "急救中心"), during)
            .thenRejects(.applicationMilitaryMedicineRequired, field: "additionalSubject")
        file.when(Fixture.submit(additionalSubject: "军事医学"), during).thenAccepts()
        file.when(Fixture.submit(exam: "120", additionalSubject: "军事医学"), during).thenAccepts()
    }

    @Test(arguments: [3, 6])
    func employedCiviliansNeitherTakeNorNeedIt(identity: Int) {
        var employee = History.registered(Fixture.register(identity: identity))
        add("e1", Fixture.bachelor, to: &employee)
        given(employee.events).when(Fixture.submit(), during).thenAccepts()
        given(employee.events).when(Fixture.submit(additionalSubject: "军事医学"), during).thenRejects(.applicationAdditionalSubjectNotAllowed)
    }

    // MARK: Free text in applications and reviews

    @Test func theWorkPostAndReviewReasonsRefuseControlCharacters() {
        given(History.withEducation().events).when(Fixture.submit(additionalSubject: "儿科", workPost: "儿科\n门诊"), during)
            .thenRejects(code: "input.control_character", field: "workPost")
        let submitted = given(History.submitted().events)
        submitted.when(
            CandidateCommand.rejectApplication(RejectApplication(candidateID: Fixture.zhang, applicationID: "a1", reason: "学历不符\n请核实")),
            Fixture.reviewer()
        ).thenRejects(code: "input.control_character", field: "reason")
        submitted.when(
            CandidateCommand.correctBasicInfo(
                CorrectBasicInfo(candidateID: Fixture.zhang, applicationID: "a1", field: .name, newValue: "张叁", reason: "核对证件\t后更正")
            ),
            Fixture.reviewer()
        ).thenRejects(code: "input.control_character", field: "reason")
    }
}
