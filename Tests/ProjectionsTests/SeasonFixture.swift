import EventLog
import Foundation
import GRDB
import RegistrarApp
import RegistrationDomain
import TestScratch

@testable import Projections

/// A service over a fresh SQLite log with the projection engine installed, a manual clock and a 2026 season; and a
/// small season played through the service (register, profile, CHSI, apply, abandon, review, correct, sign, pay).
struct SeasonFixture {
    static let admin = Actor.admin("staff-admin")
    /// The reviewer's note of an approval (required over CHSI's differences).
    static let approvalNote = "已核对毕业证书原件，以原件为准"
    static let reviewer = Actor.reviewer("staff-r1", area: "42", sites: ["4201", "4202"])
    static let chsi = Actor(id: "chsi", role: .chsi)
    static let bank = Actor(id: "bank", role: .bank)

    static let beforeRegistration = Instant.date(from: "2025-12-20T02:00:00.000Z")!
    static let registration = Instant.date(from: "2026-01-12T03:00:00.000Z")!
    static let review = Instant.date(from: "2026-02-15T02:00:00.000Z")!
    static let payment = Instant.date(from: "2026-03-01T02:00:00.000Z")!

    let path: String
    let store: SQLiteEventStore
    let service: RegistrarService
    let clock: ManualClock
    let engine: ProjectionEngine?

    /// A fresh log; `installEngine: false` leaves the read models out (appends made "by another process").
    init(installEngine: Bool = true, warmRowsPerProjection: Int = 2_048, snapshotEvery: Int = 20) async throws {
        let directory = try ScratchDirectory.make("registrar-projections")
        path = directory.appendingPathComponent("log.sqlite").path
        var options = SQLiteEventStore.Options()
        options.durability = .normal
        store = try SQLiteEventStore(path: path, options: options)
        clock = ManualClock(Self.beforeRegistration)
        service = try RegistrarService(
            store: store,
            clock: clock,
            ids: SeededIDGenerator(seed: 11),
            configuration: .init(seasonId: "2026", snapshotEvery: snapshotEvery, passwordHasher: .cheapForTests)
        )
        if installEngine {
            let engine = ProjectionEngine(store: store, warmRowsPerProjection: warmRowsPerProjection)
            try engine.install()
            self.engine = engine
        } else {
            engine = nil
        }
        try await configureSeason()
    }

    /// Another service over the same file (its own store, no hook): the CLI, say.
    func otherProcess() throws -> RegistrarService {
        var options = SQLiteEventStore.Options()
        options.durability = .normal
        return try RegistrarService(
            store: try SQLiteEventStore(path: path, options: options),
            clock: clock,
            ids: SeededIDGenerator(seed: 99),
            configuration: .init(seasonId: "2026", snapshotEvery: 20, passwordHasher: .cheapForTests)
        )
    }

    private func configureSeason() async throws {
        let at = { (text: String) in Instant.date(from: text)! }
        let commands: [SeasonCommand] = [
            .open(OpenSeason(seasonID: "2026", title: "2026年医师资格考试")),
            .setCalendar(
                SetSeasonCalendar(
                    calendar: SeasonCalendar(
                        registrationOpens: at("2026-01-08T01:00:00.000Z"),
                        registrationCloses: at("2026-01-22T09:00:00.000Z"),
                        reviewOpens: at("2026-02-10T00:00:00.000Z"),
                        reviewCloses: at("2026-03-10T00:00:00.000Z"),
                        paymentOpens: at("2026-02-20T00:00:00.000Z"),
                        paymentCloses: at("2026-03-31T00:00:00.000Z")
                    )
                )
            ),
            .setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: 30 * 1024)),
            .addExam(AddExam(code: "110", name: "临床执业医师", level: .physician, category: .clinical)),
            .addArea(AddExamArea(code: "42", name: "湖北考区", onlinePayment: true, refundPolicy: "考试开始前申请全额退费")),
            .addSite(AddExamSite(code: "4201", name: "武汉考点", areaCode: "42")),
            .addSite(AddExamSite(code: "4202", name: "宜昌考点", areaCode: "42")),
        ]
        for command in commands {
            try await service.execute(command, actor: Self.admin, request: RequestContext(channel: "system"))
        }
    }

    // MARK: Commands

    static func candidateID(_ index: Int) -> String { "candidate-\(String(format: "%04d", index))" }

    static func residentID(_ index: Int) -> String {
        let first17 = "420106" + String(1980 + (index / 1000) % 20) + "0307" + String(format: "%03d", index % 1000)
        return first17 + String(Rules.residentIDCheckCharacter(first17)!)
    }

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

    static func chsiRecord(_ index: Int, seedMismatch: Bool) -> ChsiRecord {
        seedMismatch
            ? ChsiRecord(
                name: "张三",
                idNumber: residentID(index),
                school: "中国地质大学(北京)",
                major: "计算机科学与技术",
                level: "本科",
                studyForm: "非全日制",
                educationCategory: "普通高等教育",
                enrolmentDate: "20190901",
                graduationDate: "20240928",
                conclusion: "毕业"
            )
            : ChsiRecord(
                name: "张三",
                idNumber: residentID(index),
                school: "北京大学",
                major: "基础医学",
                level: "本科",
                studyForm: "普通全日制",
                educationCategory: "普通高等教育",
                enrolmentDate: "20060701",
                graduationDate: "20100728",
                conclusion: "毕业"
            )
    }

    @discardableResult
    func run(
        _ command: CandidateCommand,
        _ id: String,
        as actor: Actor? = nil,
        channel: String = "web",
        reason: String? = nil
    )
        async throws -> CommandOutcome<CandidateEvent>
    {
        try await service.execute(
            command,
            candidateId: id,
            actor: actor ?? .candidate(id),
            request: RequestContext(requestId: nil, correlationId: "corr-\(id)", channel: channel, reason: reason)
        )
    }

    /// Registration with contact, work and the 本科 entry `e1`.
    func register(_ index: Int) async throws {
        let id = Self.candidateID(index)
        let registration = RegisterCandidate(
            candidateID: id,
            username: "user\(index)",
            name: "张三",
            surnamePinyin: "zhang",
            givenNamePinyin: "san",
            idType: IDType.residentID.rawValue,
            idNumber: Self.residentID(index),
            nationality: "中国",
            ethnicity: "汉族",
            password: "secret123",
            recoveryQuestion: "我的母校?",
            recoveryAnswer: "武汉大学医学部"
        )
        try await run(.register(registration), id)
        let contact = ContactInput(
            homePhone: "027-87654321",
            workPhone: nil,
            mobile: "138" + String(format: "%08d", index),
            email: "user\(index)@example.com",
            address: "湖北省武汉市洪山区珞喻路1号",
            postcode: "430074"
        )
        try await run(.updateContact(UpdateContactDetails(candidateID: id, contact: contact)), id)
        try await run(
            .updateWork(UpdateWorkDetails(candidateID: id, work: WorkInput(onDutyStatus: "在职", workUnit: "武汉协和医院", title: nil, titleObtained: nil))),
            id
        )
        try await run(.addEducation(AddEducationEntry(candidateID: id, entryID: "e1", education: Self.bachelor)), id)
    }

    func scan(_ index: Int, scan: String, seedMismatch: Bool) async throws {
        let id = Self.candidateID(index)
        try await run(.startChsiScan(StartChsiScan(candidateID: id, entryID: "e1", scanID: scan)), id)
        try await run(
            .recordChsiResult(
                RecordChsiResult(candidateID: id, entryID: "e1", scanID: scan, record: Self.chsiRecord(index, seedMismatch: seedMismatch))
            ),
            id,
            as: Self.chsi,
            channel: "chsi"
        )
    }

    func submit(_ index: Int, application: String) async throws {
        let id = Self.candidateID(index)
        try await run(
            .submitApplication(
                SubmitApplication(
                    candidateID: id,
                    applicationID: application,
                    examCode: "110",
                    educationEntryIDs: ["e1"],
                    trainingEntryIDs: [],
                    certificateEntryID: nil,
                    areaCode: "42",
                    siteCode: index % 3 == 0 ? "4202" : "4201",
                    attemptCount: nil,
                    additionalSubject: nil,
                    photo: PhotoUpload(photoID: "photo-\(index)", format: "jpg", sizeBytes: 20 * 1024),
                    passNumber: nil
                )
            ),
            id
        )
    }

    /// Plays a season of `count` candidates through the service, phase by phase as the calendar moves.
    func playSeason(candidates count: Int, from first: Int = 1) async throws {
        let range = first..<(first + count)
        clock.set(Self.beforeRegistration)
        for index in range {
            try await register(index)
            if index % 2 == 0 { try await scan(index, scan: "scan-\(index)-1", seedMismatch: index % 4 == 0) }
            if index % 5 == 1 {
                var amended = Self.bachelor
                amended.school = "北京大学医学部"
                let id = Self.candidateID(index)
                try await run(.amendEducation(AmendEducationEntry(candidateID: id, entryID: "e1", education: amended)), id)
            }
        }
        clock.set(Self.registration)
        for index in range {
            try await submit(index, application: "app-\(index)-1")
            if index % 7 == 3 {
                let id = Self.candidateID(index)
                try await run(.abandonApplication(AbandonApplication(candidateID: id, applicationID: "app-\(index)-1")), id)
                try await submit(index, application: "app-\(index)-2")
            }
        }
        clock.set(Self.review)
        for index in range {
            let id = Self.candidateID(index)
            let application = index % 7 == 3 ? "app-\(index)-2" : "app-\(index)-1"
            if index % 4 == 0 { try await scan(index, scan: "scan-\(index)-2", seedMismatch: false) }
            if index % 6 == 1 {
                try await run(
                    .correctBasicInfo(
                        CorrectBasicInfo(candidateID: id, applicationID: application, field: .name, newValue: "张叁", reason: "证件原件为“叁”")
                    ),
                    id,
                    as: Self.reviewer,
                    channel: "review-site",
                    reason: "证件原件为“叁”"
                )
            }
            if index % 9 == 4 {
                try await run(
                    .rejectApplication(RejectApplication(candidateID: id, applicationID: application, reason: "学历不符合报考条件")),
                    id,
                    as: Self.reviewer,
                    channel: "review-site",
                    reason: "学历不符合报考条件"
                )
                continue
            }
            if index % 8 == 5 { continue }  // still waiting for review
            // With the note an approval over CHSI's differences needs (the seeded mismatches).
            try await run(
                .approveApplication(ApproveApplication(candidateID: id, applicationID: application, note: Self.approvalNote)),
                id,
                as: Self.reviewer,
                channel: "review-site",
                reason: Self.approvalNote
            )
            try await run(
                .recordSignature(RecordSignature(candidateID: id, applicationID: application)),
                id,
                as: Self.reviewer,
                channel: "review-site"
            )
        }
        clock.set(Self.payment)
        for index in range where index % 9 != 4 && index % 8 != 5 {
            let id = Self.candidateID(index)
            let application = index % 7 == 3 ? "app-\(index)-2" : "app-\(index)-1"
            try await run(.startPayment(StartPayment(candidateID: id, applicationID: application, orderNumber: "o-\(index)", amountFen: 15000)), id)
            guard index % 3 != 2 else { continue }  // the bank has not answered yet
            let confirm = CandidateCommand.recordBankResult(
                RecordBankResult(
                    candidateID: id,
                    applicationID: application,
                    orderNumber: "o-\(index)",
                    bankTransactionID: "t-\(index)",
                    succeeded: true,
                    amountFen: 15000
                )
            )
            try await run(confirm, id, as: Self.bank, channel: "bank")
            if index % 10 == 1 { try await run(confirm, id, as: Self.bank, channel: "bank") }  // the bank calls twice
        }
    }

    /// The hashes of every read model.
    func hashes() throws -> [String: String] {
        var result = [String: String]()
        for projection in Projections.all { result[projection.name] = try engine!.contentHash(projection.name) }
        return result
    }
}
