import EventLog
import Foundation
import Glibc
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Projections
import RegistrarApp
import RegistrationDomain
import Synchronization
import TestScratch
import Testing

@testable import RegistrarHTTP

/// A server over a fresh SQLite log with the read models installed, a manual clock, a configured 2026 season
/// (area 42 with sites 4201 and 4202) and staff accounts: an administrator, a reviewer of 4201, a reviewer of 4202,
/// an auditor and a spare reviewer (for the deactivation and scope routes).
struct World: Sendable {
    static let registration = Instant.date(from: "2026-01-12T03:00:00.000Z")!
    static let review = Instant.date(from: "2026-02-15T02:00:00.000Z")!
    static let payment = Instant.date(from: "2026-03-01T02:00:00.000Z")!
    static let password = "secret123"
    static let system = Actor(id: "system", role: .system)

    let service: RegistrarService
    let clock: ManualClock
    let store: SQLiteEventStore
    let configuration: ServerConfiguration

    init(
        tokenLifetime: TimeInterval = 365 * 24 * 3600,
        maximumBodyBytes: Int = 256 * 1024,
        auditExportPageRecords: Int = 5_000,
        ids: any IDGenerator = SeededIDGenerator(seed: 5)
    ) async throws {
        let directory = try ScratchDirectory.make("registrar-http")
        var options = SQLiteEventStore.Options()
        options.durability = .normal
        store = try SQLiteEventStore(path: directory.appendingPathComponent("log.sqlite").path, options: options)
        clock = ManualClock(Self.registration)
        service = try RegistrarService(
            store: store,
            clock: clock,
            ids: ids,
            configuration: .init(seasonId: "2026", passwordHasher: .cheapForTests)
        )
        let engine = ProjectionEngine(store: store)
        try engine.install()
        var configuration = ServerConfiguration(service: service, maximumBodyBytes: maximumBodyBytes, tokenLifetime: tokenLifetime)
        // As `registrar serve` runs: the reply cache hears which sites' queues a commit rewrote.
        configuration.readModels = engine
        configuration.auditExportPageRecords = auditExportPageRecords
        self.configuration = configuration
        try await configureSeason()
        try await createStaff("staff-admin", "admin01", .admin, "管理员")
        try await createStaff("staff-r1", "reviewer01", .reviewer, "审核员甲", area: "42", sites: ["4201"])
        try await createStaff("staff-r2", "reviewer02", .reviewer, "审核员乙", area: "42", sites: ["4202"])
        try await createStaff("staff-auditor", "auditor01", .auditor, "审计员")
        try await createStaff("staff-spare", "spare01", .reviewer, "备用审核员", area: "42", sites: ["4202"])
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
            try await service.execute(command, actor: Self.system, request: RequestContext(channel: "system"))
        }
    }

    private func createStaff(_ id: String, _ username: String, _ role: Role, _ name: String, area: String? = nil, sites: [String] = []) async throws {
        try await service.execute(
            .create(CreateStaffAccount(staffID: id, role: role, displayName: name, areaCode: area, siteCodes: sites)),
            staffId: id,
            username: username,
            password: Self.password,
            passwordMustChange: false,
            actor: Self.system,
            request: RequestContext(channel: "system")
        )
    }

    /// Runs a test against the application in process.
    func test<Value: Sendable>(
        configure: (inout ServerConfiguration) -> Void = { _ in },
        logs: CapturedLogs? = nil,
        _ body: @escaping @Sendable (Client) async throws -> Value
    ) async throws -> Value {
        // Request lines at .info would drown the test output; unexpected errors are still logged.
        var logger = logs.map { logs in Logger(label: "registrar.http.test") { _ in logs } } ?? Logger(label: "registrar.http.test")
        logger.logLevel = .warning
        var configuration = self.configuration
        configure(&configuration)
        let app = try await buildApplication(configuration, logger: logger)
        return try await app.test(.router) { client in try await body(Client(client: client)) }
    }

    /// Runs a test against the application listening on a loopback port (for bytes only a socket can send), with
    /// an idle timeout of `idleTimeout`: by default the server's own 30 s, since a loaded machine (the suite runs
    /// in parallel, often beside builds) can stall a test's socket for seconds, and a 2 s timeout then closed the
    /// connection before the answer a test waited for.
    func testLive<Value: Sendable>(
        idleTimeout: Duration = .seconds(30),
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (_ port: Int) async throws -> Value
    ) async throws -> Value {
        var logger = Logger(label: "registrar.http.test")
        logger.logLevel = .critical
        var configuration = self.configuration
        configuration.idleTimeout = idleTimeout
        configure(&configuration)
        let app = try await buildApplication(configuration, logger: logger)
        return try await app.test(.live) { client in try await body(try #require(client.port)) }
    }

    // MARK: Sample data

    static func residentID(_ index: Int) -> String {
        let first17 = "42010619900307" + String(format: "%03d", index % 1000)
        return first17 + String(Rules.residentIDCheckCharacter(first17)!)
    }

    static func registration(_ username: String, index: Int) -> String {
        """
        {"username": "\(username)", "name": "张三", "surnamePinyin": "zhang", "givenNamePinyin": "san",
         "idType": "居民身份证", "idNumber": "\(residentID(index))", "nationality": "中国", "ethnicity": "汉族",
         "password": "\(password)", "recoveryQuestion": "我的母校?", "recoveryAnswer": "武汉大学医学部"}
        """
    }

    /// The body that asks for the recovery question of ``registration(_:index:)``'s candidate `index`.
    static func recoveryLookup(of index: Int) -> String {
        #"{"idType": "居民身份证", "idNumber": "\#(residentID(index))", "name": "张三"}"#
    }

    /// The body that recovers the password of candidate `index` with an answer.
    static func recovery(of index: Int, answer: String, newPassword: String = "found2026") -> String {
        #"{"idType": "居民身份证", "idNumber": "\#(residentID(index))", "name": "张三", "recoveryAnswer": "\#(answer)", "newPassword": "\#(newPassword)"}"#
    }

    static let contact = """
        {"homePhone": "027-87654321", "mobile": "13800138000", "email": "zhangsan@example.com",
         "address": "湖北省武汉市洪山区珞喻路1号", "postcode": "430074"}
        """
    /// The reviewer's note (审核意见) approving an entry CHSI never answered for, as a JSON body.
    static let approvalNote = #"{"note": "已核对毕业证书原件，与填报一致"}"#
    static let nameCorrection = #"{"field": "name", "newValue": "张珊", "reason": "身份证上的姓名为张珊"}"#
    static let work = #"{"onDutyStatus": "在职", "workUnit": "武汉协和医院"}"#
    static let education = """
        {"region": "大陆", "school": "北京大学", "category": "高等医学教育", "enrolment": "2006-07", "graduation": "2010-07",
         "studyForm": "普通全日制", "level": "本科", "degree": "医学学士", "length": "五年制", "major": "基础医学",
         "certificateNumber": "100011201005001234"}
        """
    static let training = """
        {"kind": "住院医师规范化培训", "institution": "武汉协和医院", "specialty": "内科", "start": "2010-09", "end": "2013-08",
         "certificateNumber": "ZP2013001"}
        """
    static let certificate = """
        {"type": "执业助理医师", "issued": "2008-03", "number": "200811110110101199", "registered": "2008-06",
         "registrationNumber": "110420100001234"}
        """
    /// A JPEG's structure around 2,000 bytes of scan data: SOI, APP0 (JFIF), SOF0 (200 × 150, three components), SOS, EOI.
    static let photoBytes = Data(
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]
            + [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0xC8, 0x00, 0x96, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]
            + [0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00]
            + [UInt8](repeating: 0x11, count: 2_000) + [0xFF, 0xD9]
    )
    static let photo = photoBytes.base64EncodedString()

    static func application(education: [String], site: String = "4201") -> String {
        let ids = education.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            {"examCode": "110", "educationEntryIDs": [\(ids)], "areaCode": "42", "siteCode": "\(site)",
             "photo": {"jpegBase64": "\(photo)"}}
            """
    }
}

/// The test client with JSON helpers.
struct Client: Sendable {
    let client: any TestClientProtocol

    /// Sends a request; `json` is sent as the body with `Content-Type: application/json`.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method,
        _ uri: String,
        token: String? = nil,
        json: String? = nil,
        body: ByteBuffer? = nil,
        headers: HTTPFields = [:]
    ) async throws -> Reply {
        var headers = headers
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer = body
        if let json { buffer = ByteBuffer(string: json) }
        // A body is declared JSON unless the test says otherwise.
        if buffer != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: buffer)
        return Reply(status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
    }

    /// Logs in and returns the token.
    func login(_ username: String, password: String = World.password) async throws -> String {
        let reply = try await call(.post, "/api/v1/sessions", json: #"{"username": "\#(username)", "password": "\#(password)"}"#)
        try #require(reply.status == .created, "log-in of \(username): \(reply.status) \(reply.text)")
        return try #require(reply.object["token"] as? String)
    }

    /// A reviewer corrects the name of an application's candidate to 张珊, the spelling on the ID card.
    func correctName(application base: String, token: String?) async throws -> Reply {
        try await call(.post, "\(base)/corrections", token: token, json: World.nameCorrection)
    }

    /// Registers a candidate who fills in their file and applies at site 4201; returns the candidate's id.
    func applicant(_ username: String, index: Int) async throws -> String {
        let candidate = try await register(username, index: index)
        _ = try await fillInAndApply(candidate: candidate, token: try await login(username))
        return candidate
    }

    /// A registered candidate fills in contact, work and one education entry, and applies at site 4201; returns the
    /// application's id.
    func fillInAndApply(candidate: String, token: String) async throws -> String {
        let file = "/api/v1/candidates/\(candidate)"
        try #require(try await call(.put, "\(file)/contact", token: token, json: World.contact).status == .ok)
        try #require(try await call(.put, "\(file)/work", token: token, json: World.work).status == .ok)
        let entry = try #require(try await call(.post, "\(file)/education", token: token, json: World.education).id("entryID"))
        let applied = try await call(.post, "\(file)/applications", token: token, json: World.application(education: [entry]))
        try #require(applied.status == .created, "application of \(candidate): \(applied.text)")
        return try #require(applied.id("applicationID"))
    }

    /// Registers a candidate and returns its id.
    func register(_ username: String, index: Int) async throws -> String {
        let reply = try await call(.post, "/api/v1/candidates", json: World.registration(username, index: index))
        try #require(reply.status == .created, "registration of \(username): \(reply.status) \(reply.text)")
        return try #require(reply.object["candidateID"] as? String)
    }
}

/// A response, with the body parsed on demand.
struct Reply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (empty when it is not one).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    /// The body as a JSON array (empty when it is not one).
    var array: [Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [Any] ?? []
    }

    /// `ids.<name>` of a command reply.
    func id(_ name: String) -> String? { (object["ids"] as? [String: Any])?[name] as? String }

    /// The error body's code.
    var code: String? { object["code"] as? String }
    /// The error body's field.
    var field: String? { object["field"] as? String }
}

/// The people of a season in progress: candidate A applied at 4201 (owner), candidate B at 4202, tokens for all.
struct Cast: Sendable {
    var candidateA: String
    var candidateB: String
    var applicationA: String
    var educationA: String
    var spareEducationA: String
    var trainingA: String
    var certificateA: String
    var tokens: [String: String]

    /// Registers A and B, fills their profiles and submits their applications (during online registration).
    static func make(_ client: Client) async throws -> Cast {
        let a = try await client.register("zhangsan01", index: 1)
        let b = try await client.register("lisi0002", index: 2)
        let tokenA = try await client.login("zhangsan01")
        let tokenB = try await client.login("lisi0002")
        var entries = [String]()
        for (candidate, token) in [(a, tokenA), (b, tokenB)] {
            try #require(try await client.call(.put, "/api/v1/candidates/\(candidate)/contact", token: token, json: World.contact).status == .ok)
            try #require(try await client.call(.put, "/api/v1/candidates/\(candidate)/work", token: token, json: World.work).status == .ok)
            let added = try await client.call(.post, "/api/v1/candidates/\(candidate)/education", token: token, json: World.education)
            try #require(added.status == .created, "\(added.text)")
            entries.append(try #require(added.id("entryID")))
        }
        let spare = try await client.call(.post, "/api/v1/candidates/\(a)/education", token: tokenA, json: World.education)
        let training = try await client.call(.post, "/api/v1/candidates/\(a)/training", token: tokenA, json: World.training)
        try #require(training.status == .created, "\(training.text)")
        let certificate = try await client.call(.post, "/api/v1/candidates/\(a)/certificates", token: tokenA, json: World.certificate)
        try #require(certificate.status == .created, "\(certificate.text)")
        let appA = try await client.call(
            .post,
            "/api/v1/candidates/\(a)/applications",
            token: tokenA,
            json: World.application(education: [entries[0]])
        )
        try #require(appA.status == .created, "\(appA.text)")
        let appB = try await client.call(
            .post,
            "/api/v1/candidates/\(b)/applications",
            token: tokenB,
            json: World.application(education: [entries[1]], site: "4202")
        )
        try #require(appB.status == .created, "\(appB.text)")
        var tokens = ["owner": tokenA, "otherCandidate": tokenB]
        for (role, username) in [("reviewer", "reviewer01"), ("otherReviewer", "reviewer02"), ("auditor", "auditor01"), ("admin", "admin01")] {
            tokens[role] = try await client.login(username)
        }
        return Cast(
            candidateA: a,
            candidateB: b,
            applicationA: try #require(appA.id("applicationID")),
            educationA: entries[0],
            spareEducationA: try #require(spare.id("entryID")),
            trainingA: try #require(training.id("entryID")),
            certificateA: try #require(certificate.id("entryID")),
            tokens: tokens
        )
    }
}

extension Cast {
    /// Candidate A abandons the application at 4201 and applies at `site` instead (during online registration); returns
    /// the new application's id.
    func moveCandidateA(to site: String, _ client: Client) async throws -> String {
        let token = try #require(tokens["owner"])
        let file = "/api/v1/candidates/\(candidateA)"
        let abandoned = try await client.call(.post, "\(file)/applications/\(applicationA)/abandon", token: token)
        try #require(abandoned.status == .ok, "\(abandoned.text)")
        let moved = try await client.call(.post, "\(file)/applications", token: token, json: World.application(education: [educationA], site: site))
        try #require(moved.status == .created, "\(moved.text)")
        return try #require(moved.id("applicationID"))
    }
}

/// Sends raw bytes to a loopback port and returns the first response (its head and `Content-Length` bytes of body),
/// or what came before the server closed (blocking; for the requests no HTTP client library would send). The
/// connection stays open for writing: a half-close could reach the server before it has answered.
///
/// The socket calls block, so they run on a thread of their own: blocking one of the few threads of Swift's
/// cooperative pool starves the server under test (and the other suites) of the thread it needs to answer.
func rawExchange(
    port: Int,
    _ request: [UInt8],
    then more: [UInt8]? = nil,
    after pause: Duration = .milliseconds(300),
    timeout seconds: Int = 10,
    untilClosed: Bool = false,
    closingOutput: Bool = false
) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(
                with: Result {
                    try blockingExchange(
                        port: port,
                        request,
                        then: more,
                        after: pause,
                        timeout: seconds,
                        untilClosed: untilClosed,
                        closingOutput: closingOutput
                    )
                }
            )
        }.start()
    }
}

private func blockingExchange(
    port: Int,
    _ request: [UInt8],
    then more: [UInt8]?,
    after pause: Duration,
    timeout seconds: Int,
    untilClosed: Bool,
    closingOutput: Bool
) throws -> String {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw POSIXError(.EIO) }
    defer { close(socket) }
    var timeout = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    if let more {
        // The rest later: the server has handed the request to its route by then.
        Thread.sleep(forTimeInterval: Double(pause.components.attoseconds) / 1e18 + Double(pause.components.seconds))
        _ = more.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
    // The client has nothing more to send (a half-close: it still reads).
    if closingOutput { shutdown(socket, Int32(SHUT_WR)) }
    var answer = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 65_536)
    func complete() -> Bool {
        let text = String(decoding: answer, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        let length =
            head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }.flatMap {
                Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces))
            } ?? 0
        return text.utf8.count - text.utf8.distance(from: text.startIndex, to: end.upperBound) >= length
    }
    while untilClosed || !complete() {
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        if count <= 0 { break }
        answer += chunk[0..<count]
    }
    return String(decoding: answer, as: UTF8.self)
}

/// A log handler that keeps every line: its level, message and metadata.
final class CapturedLogs: LogHandler, @unchecked Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let kept = Mutex<[Line]>([])
    var lines: [Line] { kept.withLock { $0 } }
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let more = event.metadata { merged.merge(more) { $1 } }
        let line = Line(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
        kept.withLock { $0.append(line) }
    }
}
