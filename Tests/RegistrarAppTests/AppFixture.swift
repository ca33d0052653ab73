import EventLog
import Foundation
import RegistrarApp
import RegistrationDomain
import TestScratch

/// A service over a fresh store with a manual clock, seeded ids and a configured 2026 season.
struct AppFixture {
    static let admin = Actor.admin("staff-admin")
    static let beforeRegistration = Instant.date(from: "2025-12-20T02:00:00.000Z")!
    static let registration = Instant.date(from: "2026-01-12T03:00:00.000Z")!

    let service: RegistrarService
    let clock: ManualClock
    let sqlite: SQLiteEventStore?

    enum Kind: String, CaseIterable, Sendable {
        case memory, sqlite
    }

    /// `clockStep`: how far each reading of the clock moves it on (``ManualClock/init(_:step:)``).
    init(_ kind: Kind, snapshotEvery: Int = 20, clockStep: TimeInterval = 0) async throws {
        let store: any EventStore & SnapshotStore
        switch kind {
        case .memory:
            store = InMemoryEventStore()
            sqlite = nil
        case .sqlite:
            let directory = try ScratchDirectory.make("registrar-app")
            let opened = try SQLiteEventStore(path: directory.appendingPathComponent("log.sqlite").path)
            store = opened
            sqlite = opened
        }
        clock = ManualClock(Self.beforeRegistration, step: clockStep)
        service = try RegistrarService(
            store: store,
            clock: clock,
            ids: SeededIDGenerator(seed: 7),
            configuration: .init(seasonId: "2026", snapshotEvery: snapshotEvery, passwordHasher: .cheapForTests)
        )
        try await configureSeason()
    }

    private func configureSeason() async throws {
        let commands: [SeasonCommand] = [
            .open(OpenSeason(seasonID: "2026", title: "2026年医师资格考试")),
            .setCalendar(SetSeasonCalendar(calendar: Self.calendar())),
            .setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: 30 * 1024)),
            .addExam(AddExam(code: "110", name: "临床执业医师", level: .physician, category: .clinical)),
            .addArea(AddExamArea(code: "42", name: "湖北考区", onlinePayment: true, refundPolicy: "考试开始前申请全额退费")),
            .addSite(AddExamSite(code: "4201", name: "武汉考点", areaCode: "42")),
        ]
        for command in commands {
            try await service.execute(command, actor: Self.admin, request: RequestContext(channel: "system"))
        }
    }

    /// The season's calendar; registration closes at `registrationCloses`.
    static func calendar(registrationCloses: String = "2026-01-22T09:00:00.000Z") -> SeasonCalendar {
        let at = { (text: String) in Instant.date(from: text)! }
        return SeasonCalendar(
            registrationOpens: at("2026-01-08T01:00:00.000Z"),
            registrationCloses: at(registrationCloses),
            reviewOpens: at("2026-02-10T00:00:00.000Z"),
            reviewCloses: at("2026-03-10T00:00:00.000Z"),
            paymentOpens: at("2026-02-20T00:00:00.000Z"),
            paymentCloses: at("2026-03-31T00:00:00.000Z")
        )
    }

    /// Another service over the same SQLite file (its own store): the CLI next to a running server.
    func otherProcess() throws -> RegistrarService {
        try RegistrarService(
            store: try SQLiteEventStore(path: sqlite!.path),
            clock: clock,
            ids: SeededIDGenerator(seed: 99),
            configuration: .init(seasonId: "2026", passwordHasher: .cheapForTests)
        )
    }

    /// A 本科 education entry.
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

    /// A registration command with a valid resident ID.
    static func registration(id: String, username: String, idNumber: String = residentID("42010619900307123")) -> RegisterCandidate {
        RegisterCandidate(
            candidateID: id,
            username: username,
            name: "张三",
            surnamePinyin: "zhang",
            givenNamePinyin: "san",
            idType: IDType.residentID.rawValue,
            idNumber: idNumber,
            nationality: "中国",
            ethnicity: "汉族",
            password: "secret123",
            recoveryQuestion: "我的母校?",
            recoveryAnswer: "武汉大学医学部"
        )
    }

    static func residentID(_ first17: String) -> String {
        first17 + String(Rules.residentIDCheckCharacter(first17)!)
    }

    static func contact(mobile: String) -> ContactInput {
        ContactInput(
            homePhone: "027-87654321",
            workPhone: nil,
            mobile: mobile,
            email: "zhangsan@example.com",
            address: "湖北省武汉市洪山区珞喻路1号",
            postcode: "430074"
        )
    }
}
