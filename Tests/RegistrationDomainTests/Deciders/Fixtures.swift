import Foundation
import Testing

@testable import RegistrationDomain

/// Instants of the 2025 test season (see ``Fixture/calendar``).
enum T {
    static func at(_ iso: String) -> Date { Instant.date(from: iso)! }

    static let registrationOpens = at("2025-01-08T01:00:00.000Z")
    static let registrationCloses = at("2025-01-22T09:00:00.000Z")
    static let reviewOpens = at("2025-02-10T00:00:00.000Z")
    static let reviewCloses = at("2025-03-10T00:00:00.000Z")
    static let paymentOpens = at("2025-02-20T00:00:00.000Z")
    static let paymentCloses = at("2025-03-31T00:00:00.000Z")

    static let beforeRegistration = at("2024-12-20T02:00:00.000Z")
    static let registration = at("2025-01-10T03:00:00.000Z")
    static let betweenRegistrationAndReview = at("2025-02-01T00:00:00.000Z")
    static let review = at("2025-02-15T02:00:00.000Z")
    static let reviewAndPayment = at("2025-03-01T02:00:00.000Z")
    static let paymentOnly = at("2025-03-20T02:00:00.000Z")
    static let closed = at("2025-04-10T00:00:00.000Z")

    static func iso(_ date: Date) -> String { Instant.string(from: date) }
}

enum Fixture {
    // MARK: Season

    static let calendar = SeasonCalendar(
        registrationOpens: T.registrationOpens,
        registrationCloses: T.registrationCloses,
        reviewOpens: T.reviewOpens,
        reviewCloses: T.reviewCloses,
        paymentOpens: T.paymentOpens,
        paymentCloses: T.paymentCloses
    )

    static let refundPolicy = "考试开始前申请全额退费；考试开始后不予退费。"

    /// The season stream of the tests: 2025, 30 KB photos, five exams, Beijing (online payment) and Henan (none).
    static let seasonEvents: [SeasonEvent] = [
        .seasonOpened(SeasonOpened(seasonID: "2025", title: "2025年医师资格考试", openedAt: "2024-11-01T00:00:00.000Z")),
        .calendarSet(
            SeasonCalendarSet(
                registrationOpens: T.iso(T.registrationOpens),
                registrationCloses: T.iso(T.registrationCloses),
                reviewOpens: T.iso(T.reviewOpens),
                reviewCloses: T.iso(T.reviewCloses),
                paymentOpens: T.iso(T.paymentOpens),
                paymentCloses: T.iso(T.paymentCloses)
            )
        ),
        .photoSizeLimitSet(PhotoSizeLimitSet(maximumBytes: 30 * 1024)),
        .examAdded(ExamAdded(code: "110", name: "临床执业医师", level: "执业医师", category: "临床")),
        .examAdded(ExamAdded(code: "120", name: "临床执业助理医师", level: "执业助理医师", category: "临床")),
        .examAdded(ExamAdded(code: "210", name: "中医执业医师", level: "执业医师", category: "中医")),
        .examAdded(ExamAdded(code: "130", name: "乡村全科执业助理医师", level: "乡村全科执业助理医师", category: "临床")),
        .examAdded(ExamAdded(code: "999", name: "已撤销科目", level: "执业医师", category: "口腔")),
        .examWithdrawn(ExamWithdrawn(code: "999")),
        .areaAdded(ExamAreaAdded(code: "11", name: "北京考区", onlinePayment: true, refundPolicy: refundPolicy)),
        .areaAdded(ExamAreaAdded(code: "41", name: "河南考区", onlinePayment: false, refundPolicy: "")),
        .siteAdded(ExamSiteAdded(code: "1101", name: "东城区考点", areaCode: "11")),
        .siteAdded(ExamSiteAdded(code: "1102", name: "海淀区考点", areaCode: "11")),
        .siteAdded(ExamSiteAdded(code: "4101", name: "郑州考点", areaCode: "41")),
    ]

    static let season = SeasonDecider.replay(seasonEvents)

    // MARK: People and contexts

    /// An 18-character 居民身份证 number with the right check character.
    static func residentID(_ first17: String) -> String {
        first17 + String(Rules.residentIDCheckCharacter(first17)!)
    }

    static let zhang = "c-zhang"
    /// The reviewer's note (审核意见) over an entry CHSI never answered for: approval rests on the originals.
    static let originalsChecked = "已核对毕业证书原件，与填报一致"
    /// Born 1990-03-07, 17th digit 3: male.
    static let zhangID = residentID("11010519900307123")

    static func candidate(
        _ id: String = zhang,
        at now: Date = T.beforeRegistration,
        season: SeasonState = season
    )
        -> CommandContext
    {
        CommandContext(actor: .candidate(id), now: now, season: season)
    }

    static func reviewer(
        at now: Date = T.review,
        sites: [String] = ["1101"],
        season: SeasonState = season
    )
        -> CommandContext
    {
        CommandContext(actor: .reviewer("r-li", area: "11", sites: sites), now: now, season: season)
    }

    static func actor(
        _ role: Role,
        id: String? = nil,
        at now: Date = T.review,
        season: SeasonState = season
    )
        -> CommandContext
    {
        CommandContext(actor: Actor(id: id ?? "x-\(role.rawValue)", role: role), now: now, season: season)
    }

    // MARK: Commands

    static func register(
        id: String = zhang,
        username: String = "zhangsan",
        name: String = "张三",
        idType: String = IDType.residentID.rawValue,
        idNumber: String = zhangID,
        sex: String? = nil,
        birthDate: String? = nil,
        nationality: String = "中国",
        ethnicity: String? = "汉族",
        identity: Int? = nil,
        password: String = "abc12345",
        recoveryAnswer: String = "北京大学"
    ) -> RegisterCandidate {
        RegisterCandidate(
            candidateID: id,
            username: username,
            name: name,
            surnamePinyin: "zhang",
            givenNamePinyin: "san",
            idType: idType,
            idNumber: idNumber,
            sex: sex,
            birthDate: birthDate,
            nationality: nationality,
            ethnicity: ethnicity,
            identity: identity,
            password: password,
            recoveryQuestion: "我的母校?",
            recoveryAnswer: recoveryAnswer
        )
    }

    static let contact = ContactInput(
        homePhone: "010-12345678",
        workPhone: nil,
        mobile: "13800138000",
        email: "zhangsan@example.com",
        address: "北京市东城区东单北大街1号",
        postcode: "100005"
    )

    static let work = WorkInput(onDutyStatus: "在职", workUnit: "北京协和医院", title: "住院医师", titleObtained: "2011-11")

    /// The seed case's declared entry: 北京大学 / 普通全日制 / 本科 / 基础医学 / 五年制 / 2006-07 / 2010-07.
    static let bachelor = EducationInput(
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
        certificateNumber: "100011201005001234"
    )

    /// A three-year master's degree after the bachelor's.
    static let master = EducationInput(
        region: "大陆",
        school: "北京大学",
        category: "高等医学教育",
        enrolment: "2010-09",
        graduation: "2013-07",
        studyForm: "普通全日制",
        level: "硕士研究生",
        degree: "医学硕士",
        length: "三年制",
        major: "内科学",
        certificateNumber: "100011201302001234"
    )

    static let secondary = EducationInput(
        region: "大陆",
        school: "潍坊卫生学校",
        category: "中等医学教育",
        enrolment: "2001-09",
        graduation: "2004-07",
        studyForm: "普通全日制",
        level: "中专",
        length: "三年制",
        major: "临床医学",
        certificateNumber: "100011200405001234"
    )

    static let residency = TrainingInput(
        kind: "住院医师规范化培训",
        institution: "北京协和医院",
        specialty: "内科",
        start: "2010-09",
        end: "2013-08",
        certificateNumber: "ZP2013001"
    )

    static let assistantCertificate = CertificateInput(
        type: "执业助理医师",
        issued: "2008-03",
        number: "200811110110101199",
        registered: "2008-06",
        registrationNumber: "110110100012345"
    )

    static let photo = PhotoUpload(photoID: "photo-1", format: "jpg", sizeBytes: 25 * 1024)

    static func submit(
        _ applicationID: String = "a1",
        exam: String = "110",
        education: [String] = ["e1"],
        training: [String] = [],
        certificate: String? = nil,
        area: String = "11",
        site: String = "1101",
        attemptCount: Int? = nil,
        additionalSubject: String? = nil,
        photo: PhotoUpload = photo,
        passNumber: String? = nil,
        workPost: String? = nil,
        candidateID: String = zhang
    ) -> CandidateCommand {
        .submitApplication(
            SubmitApplication(
                candidateID: candidateID,
                applicationID: applicationID,
                examCode: exam,
                educationEntryIDs: education,
                trainingEntryIDs: training,
                certificateEntryID: certificate,
                areaCode: area,
                siteCode: site,
                attemptCount: attemptCount,
                additionalSubject: additionalSubject,
                photo: photo,
                passNumber: passNumber,
                workPost: workPost
            )
        )
    }

    static let chsiRecord = ChsiRecord(
        name: "张三",
        idNumber: zhangID,
        school: "北京大学",
        major: "基础医学",
        level: "本科",
        studyForm: "普通全日制",
        educationCategory: "普通高等教育",
        enrolmentDate: "20060901",
        graduationDate: "20100701",
        conclusion: "毕业"
    )

    /// CHSI's record of ``bachelor`` as declared (dates agree by year and month).
    static let chsiRecordAgreeing: ChsiRecord = {
        var record = chsiRecord
        record.enrolmentDate = "20060715"
        return record
    }()
}

/// Builds a candidate's history by deciding real commands (each must be accepted).
struct History {
    var events: [CandidateEvent] = []

    var state: CandidateState { CandidateDecider.replay(events) }

    @discardableResult
    mutating func run(
        _ command: CandidateCommand,
        _ context: CommandContext,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [CandidateEvent] {
        do {
            let produced = try CandidateDecider.decide(command, in: context, state: state)
            events += produced
            return produced
        } catch {
            Issue.record("setup command rejected: \(error)", sourceLocation: sourceLocation)
            return []
        }
    }

    /// 张三 registered, with contact and work.
    /// Registered (with `registration`), contact details and work information filled in, as an application needs.
    static func registered(_ registration: RegisterCandidate = Fixture.register()) -> History {
        var history = History()
        history.run(.register(registration), Fixture.candidate())
        history.run(.updateContact(UpdateContactDetails(candidateID: Fixture.zhang, contact: Fixture.contact)), Fixture.candidate())
        history.run(.updateWork(UpdateWorkDetails(candidateID: Fixture.zhang, work: Fixture.work)), Fixture.candidate())
        return history
    }

    /// Registered, the work information saying 当年毕业研究生 (internship at 北京大学第一医院).
    static func graduatingStudent() -> History {
        var history = registered()
        let graduating = WorkInput(onDutyStatus: "当年毕业研究生", workUnit: "北京大学第一医院")
        history.run(.updateWork(UpdateWorkDetails(candidateID: Fixture.zhang, work: graduating)), Fixture.candidate())
        return history
    }

    /// Registered, with the 本科 entry `e1`.
    static func withEducation() -> History {
        var history = registered()
        history.run(
            .addEducation(AddEducationEntry(candidateID: Fixture.zhang, entryID: "e1", education: Fixture.bachelor)),
            Fixture.candidate()
        )
        return history
    }

    /// Application `a1` (exam 110, site 1101) submitted during registration with `e1` ticked.
    static func submitted() -> History {
        var history = withEducation()
        history.run(Fixture.submit(), Fixture.candidate(at: T.registration))
        return history
    }

    /// `a1` submitted with `e1` verified by CHSI before registration: its enrolment differs (2006-07 declared,
    /// 20060901 from CHSI), and with `otherPerson` CHSI's record names someone else.
    static func submittedOverChsiDifferences(otherPerson: Bool = false) -> History {
        var record = Fixture.chsiRecord
        if otherPerson { record.name = "李四" }
        return submittedOverChsi(record: record)
    }

    /// `a1` submitted with `e1` verified by CHSI before registration with `record`.
    static func submittedOverChsi(record: ChsiRecord) -> History {
        var history = withEducation()
        history.run(.startChsiScan(StartChsiScan(candidateID: Fixture.zhang, entryID: "e1", scanID: "s1")), Fixture.candidate())
        history.run(
            .recordChsiResult(RecordChsiResult(candidateID: Fixture.zhang, entryID: "e1", scanID: "s1", record: record)),
            Fixture.actor(.chsi, at: T.beforeRegistration)
        )
        history.run(Fixture.submit(), Fixture.candidate(at: T.registration))
        return history
    }

    /// `a1` approved by the reviewer of 1101.
    static func approved() -> History {
        var history = submitted()
        history.run(
            .approveApplication(ApproveApplication(candidateID: Fixture.zhang, applicationID: "a1", note: Fixture.originalsChecked)),
            Fixture.reviewer()
        )
        return history
    }

    /// `a1` approved and signed.
    static func signed() -> History {
        var history = approved()
        history.run(.recordSignature(RecordSignature(candidateID: Fixture.zhang, applicationID: "a1")), Fixture.reviewer())
        return history
    }

    /// `a1` signed, payment `o1` of 15000 fen started during review-and-payment.
    static func paymentStarted() -> History {
        var history = signed()
        history.run(
            .startPayment(StartPayment(candidateID: Fixture.zhang, applicationID: "a1", orderNumber: "o1", amountFen: 15000)),
            Fixture.candidate(at: T.reviewAndPayment)
        )
        return history
    }

    /// `o1` confirmed by the bank with transaction `t1`.
    static func paid() -> History {
        var history = paymentStarted()
        history.run(
            .recordBankResult(
                RecordBankResult(
                    candidateID: Fixture.zhang,
                    applicationID: "a1",
                    orderNumber: "o1",
                    bankTransactionID: "t1",
                    succeeded: true,
                    amountFen: 15000
                )
            ),
            Fixture.actor(.bank, at: T.reviewAndPayment)
        )
        return history
    }
}
