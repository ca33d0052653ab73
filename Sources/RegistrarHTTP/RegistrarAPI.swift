import Crypto
import EventLog
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import Projections
import RegistrarApp
import RegistrationDomain

/// One route of the API, as registered: the method and the path pattern (`{name}` for parameters).
public struct RouteEntry: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `GET`, `POST`, …
    public var method: String
    /// `/api/v1/candidates/{candidateID}`.
    public var path: String

    public var description: String { "\(method) \(path)" }

    public static func < (lhs: RouteEntry, rhs: RouteEntry) -> Bool { (lhs.path, lhs.method) < (rhs.path, rhs.method) }
}

/// The authenticated caller of a request.
struct Principal: Sendable {
    /// As the deciders see it.
    var actor: Actor
    /// The bearer token (to log out).
    var token: String
    /// When the token expires.
    var expiresAt: Date
    /// The staff member's display name, shown by the pages (nil for candidates and API calls).
    var displayName: String? = nil
    /// The session must replace its password before anything else (``Session/passwordChangeRequired``).
    var passwordChangeRequired = false
}

/// Everything the handlers share: the application layer, the read models, sessions, metrics and settings.
///
/// The handlers only parse, authenticate, call the application layer and render (ARCHITECTURE principle 8).
final class RegistrarAPI: Sendable {
    let service: RegistrarService
    let history: CandidateHistory
    let configuration: ServerConfiguration
    let sessions: SessionStore
    let throttle: LoginThrottle
    /// The failed credential checks of each client address (``ServerConfiguration/maximumFailuresPerClient``).
    let clientThrottle: LoginThrottle
    /// The registrations of each client address (``ServerConfiguration/maximumRegistrationsPerClient``).
    let registrationThrottle: LoginThrottle
    /// The trusted proxies' addresses in their canonical spelling (``IPAddressText``), as the peers are compared.
    let trustedProxies: Set<String>
    let metrics: HTTPMetrics
    let logger: Logger
    /// The read models, when the store is SQLite (always, outside unit tests of the shell itself).
    let reader: (any DatabaseReader)?
    /// Nonces, QR payloads and orders of the outside systems' callbacks.
    let callbackLedger: CallbackLedger
    /// Encoded replies of the frequent reads, dropped by the commits that change them.
    let replies: ReplyCache
    /// The key of the requests' fingerprints (``fingerprint(of:)``), derived from the QR key.
    let fingerprintKey: SymmetricKey
    /// The routes' methods by path, for 405 answers.
    let knownRoutes = KnownRoutes()
    /// The live feeds open.
    let feeds = FeedSlots()

    init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.service = configuration.service
        self.history = CandidateHistory(store: configuration.service.store)
        self.sessions = SessionStore(
            clock: configuration.service.clock,
            lifetime: configuration.tokenLifetime,
            writer: (configuration.service.store as? SQLiteEventStore)?.pool
        )
        // One throttle per kind of key, both with the configured window and lock-out, their locks in one table.
        let throttle = { (maximumFailures: Int, locked: @escaping @Sendable (String, Date) -> Void) in
            LoginThrottle(
                clock: configuration.service.clock,
                maximumFailures: maximumFailures,
                window: configuration.failedLoginWindow,
                lockout: configuration.lockoutDuration,
                writer: (configuration.service.store as? SQLiteEventStore)?.pool,
                locked: locked
            )
        }
        self.throttle = throttle(configuration.maximumFailedLogins) { key, until in
            // Which kind of lock only: the username or ID number it keys is personal data.
            let kind = key.split(separator: ":").first.map(String.init) ?? "user"
            logger.notice(
                "account locked out after repeated failures",
                metadata: ["lock_kind": .string(kind), "locked_until": .string(Instant.string(from: until))]
            )
        }
        self.clientThrottle = throttle(configuration.maximumFailuresPerClient) { key, until in
            // The one place an address is logged: an operator told that a school cannot log in must find which
            // address was locked, and until when (the row of `login_lockouts` under this key lifts it).
            logger.warning(
                "client locked out after repeated failures",
                metadata: ["lock_key": .string(key), "locked_until": .string(Instant.string(from: until))]
            )
        }
        self.registrationThrottle = LoginThrottle(
            clock: configuration.service.clock,
            maximumFailures: configuration.maximumRegistrationsPerClient,
            window: 3600,
            lockout: 3600,
            writer: (configuration.service.store as? SQLiteEventStore)?.pool
        ) { key, until in
            logger.warning(
                "client refused registrations after many",
                metadata: ["lock_key": .string(key), "locked_until": .string(Instant.string(from: until))]
            )
        }
        self.trustedProxies = Set(configuration.trustedProxies.map { IPAddressText.canonical($0) ?? $0 })
        self.metrics = HTTPMetrics()
        self.logger = logger
        self.fingerprintKey = SymmetricKey(
            data: HMAC<SHA256>.authenticationCode(
                for: Data("registrar idempotency fingerprint".utf8),
                using: SymmetricKey(data: Data(configuration.callbacks.qrKey.utf8))
            )
        )
        self.reader = (configuration.service.store as? SQLiteEventStore)?.pool
        self.callbackLedger = CallbackLedger(writer: (configuration.service.store as? SQLiteEventStore)?.pool)
        let store = configuration.service.store as? SQLiteEventStore
        let pool = store?.pool
        let replies = ReplyCache(
            capacityBytes: store == nil ? 0 : configuration.replyCacheBytes,
            globalStreams: [configuration.service.seasonStreamId],
            checkInterval: configuration.replyCacheCheckInterval,
            check: {
                try pool?.readNow { db in
                    let row = try Row.fetchOne(
                        db,
                        // A read model being filled (version -1) has folded nothing yet, whatever its position says.
                        sql: """
                            SELECT (SELECT COALESCE(MAX(position), 0) FROM events),
                                (SELECT MIN(CASE WHEN version < 0 THEN 0 ELSE position END) FROM projection_checkpoints)
                            """
                    )
                    guard let row, let head = row[0] as Int64?, let checkpoint = row[1] as Int64? else { return nil }
                    return (head, checkpoint)
                }
            }
        )
        self.replies = replies
        store?.addCommitObserver { [weak replies] commit in replies?.committed(commit) }
        // Once, as an error: every append since is refused (503 `log.integrity`) and `/health` says so.
        if let store {
            let path = store.path
            store.addIntegrityFailureObserver { [logger] finding in
                logger.error(
                    "log integrity failure: appends are refused until the log is examined",
                    metadata: ["problem": "\(finding)", "advice": "stop the server and run `registrar verify --db \(path)`"]
                )
            }
        }
        configuration.readModels?.addChangeObserver { [weak replies] changes in replies?.readModelsChanged(changes) }
    }

    // MARK: Authentication

    /// The caller, from the bearer token; 401 when there is none, or it is unknown, expired or its account is
    /// deactivated. Staff scope is read from the staff stream on every request, so a changed scope or a
    /// deactivation takes effect at once.
    /// - Parameter passwordChangeAllowed: the route serves a session that must replace its password first (the
    ///   password change itself, logging out, who the token stands for); any other refuses it.
    func principal(_ request: Request, passwordChangeAllowed: Bool = false) async throws -> Principal {
        guard let header = request.headers[.authorization], let token = Header.bearerToken(header) else {
            throw APIError.unauthenticated
        }
        guard Header.token(token, maxLength: 256) != nil, let session = sessions.session(for: token),
            let actor = try await actor(of: session.subjectId, isStaff: session.isStaff)
        else { throw APIError.unauthenticated }
        if session.passwordChangeRequired && !passwordChangeAllowed { throw APIError.passwordChangeRequired }
        return Principal(actor: actor, token: token, expiresAt: session.expiresAt, passwordChangeRequired: session.passwordChangeRequired)
    }

    /// The actor a credential's subject acts as: the staff account's role and scope, or a candidate; nil for a
    /// deactivated staff account.
    func actor(of subjectId: String, isStaff: Bool) async throws -> Actor? {
        guard isStaff else { return .candidate(subjectId) }
        return try await service.staff.current(subjectId).state.actor
    }

    /// Whether a credential's subject is a staff account: its stream starts with a staff event.
    func isStaff(_ subjectId: String) async throws -> Bool {
        guard let first = try await service.store.readStream(subjectId, fromVersion: 1, toVersion: 1).first else { return false }
        return EventCatalog.staffCodec.eventTypes.contains(first.type)
    }

    // MARK: Requests to the application layer

    /// The request context of a command: the idempotency key scoped to the caller (so that two callers' keys never
    /// collide), the correlation id (the client's `X-Correlation-Id`, else the request id) and the channel.
    func requestContext(
        _ request: Request,
        _ context: RegistrarRequestContext,
        scope: String,
        channel: String,
        reason: String? = nil
    ) throws -> RegistrarApp.RequestContext {
        RegistrarApp.RequestContext(
            requestId: try idempotencyKey(request).map { "\(scope)/\($0)" },
            correlationId: Header.token(request.headers[Header.correlationID]) ?? context.requestID,
            causationId: nil,
            channel: channel,
            reason: reason,
            fingerprint: context.requestFingerprint
        )
    }

    /// The fingerprint of a write that carries a usable `Idempotency-Key` (nil for any other request): the first 16
    /// bytes, in hex, of an HMAC-SHA256 of its method, its path and its body (canonical JSON when the body is JSON,
    /// else its bytes). The body is collected here (up to the body limit) and put back for the handler.
    ///
    /// Keyed (with a key derived from the QR key, a secret of the server), because the body may hold a password or a
    /// recovery answer and the fingerprint is stored in the log: a copy of the file alone must not let anyone test
    /// guesses against it.
    func fingerprint(of request: inout Request) async throws -> String? {
        guard request.method != .get, request.method != .head, Header.token(request.headers[Header.idempotencyKey]) != nil else {
            return nil
        }
        let body = try await StrictJSON.collect(request, limit: configuration.maximumBodyBytes)
        request.body = RequestBody(buffer: body)
        // One buffer, one MAC: method, path and body, each line-separated.
        var message = Array(request.method.rawValue.utf8)
        message.append(0x0A)
        // The path as the router reads it (empty segments and a trailing slash do not count), so that a retry spelt
        // `//api//v1/…/` is the same request; a path without either reads as before, so stored fingerprints still match.
        message.append(contentsOf: ("/" + request.uri.path.split(separator: "/").joined(separator: "/")).utf8)
        message.append(0x0A)
        message.append(contentsOf: CanonicalBody.of(Array(body.readableBytesView)))
        let code = HMAC<SHA256>.authenticationCode(for: message, using: fingerprintKey)
        return Data(Data(code).prefix(16)).hexString
    }

    /// The client's `Idempotency-Key`, checked: given once, 1 to 128 visible ASCII characters.
    func idempotencyKey(_ request: Request) throws -> String? {
        guard let raw = request.headers[Header.idempotencyKey] else { return nil }
        guard request.headers[values: Header.idempotencyKey].count == 1 else {
            throw APIError.badRequest("invalid_header", field: "Idempotency-Key", message: "Idempotency-Key只能提供一次，请求中出现了多个")
        }
        guard let key = Header.token(raw) else {
            throw APIError.badRequest("invalid_header", field: "Idempotency-Key", message: "Idempotency-Key须为1到128个可见ASCII字符")
        }
        return key
    }

    /// A new id for something a command creates. With an idempotency key the id is derived from it, so that a
    /// retried request names the same entry, application or order as the first one.
    func newID(_ prefix: String, _ request: Request, scope: String) throws -> String {
        guard let key = try idempotencyKey(request) else { return service.ids.next(prefix) }
        let digest = SHA256.hash(data: Data("\(scope)/\(key)/\(prefix)".utf8))
        return "\(prefix)-" + Data(digest.prefix(16)).hexString
    }

    /// The channel of the events an actor appends through the API.
    func channel(for actor: Actor) -> String {
        actor.role == .reviewer ? "review-site" : "web"
    }

    /// Runs a candidate command for the caller, counting it in the metrics.
    func run(
        _ command: CandidateCommand,
        as actor: Actor,
        _ request: Request,
        _ context: RegistrarRequestContext,
        reason: String? = nil,
        photo: StoredPhoto? = nil
    ) async throws -> CommandOutcome<CandidateEvent> {
        let requestContext = try self.requestContext(request, context, scope: actor.id, channel: channel(for: actor), reason: reason)
        return try await counted {
            try await service.execute(command, candidateId: command.candidateID, actor: actor, request: requestContext, photo: photo)
        }
    }

    /// Runs a season command; `reason`, the administrator's optional why (``AdminReason``), goes to the metadata.
    func run(
        _ command: SeasonCommand,
        as actor: Actor,
        _ request: Request,
        _ context: RegistrarRequestContext,
        reason: String? = nil
    ) async throws -> CommandOutcome<SeasonEvent> {
        let requestContext = try self.requestContext(
            request,
            context,
            scope: actor.id,
            channel: channel(for: actor),
            reason: try AdminReason.checked(reason)
        )
        return try await counted { try await service.execute(command, actor: actor, request: requestContext) }
    }

    /// Counts a command's outcome and appended events.
    func counted<Event>(_ body: () async throws -> CommandOutcome<Event>) async throws -> CommandOutcome<Event> {
        do {
            let outcome = try await body()
            let label = outcome.events.isEmpty ? (outcome.append == nil ? "unchanged" : "replayed") : "appended"
            metrics.recordCommand(outcome: label, appended: outcome.events.count)
            return outcome
        } catch {
            metrics.recordCommand(outcome: "rejected", appended: 0)
            throw error
        }
    }

    // MARK: Reading candidate files

    /// Checks that the caller may read a candidate's file. Candidates: their own file only. Reviewers: files with
    /// an application at one of their sites that was not abandoned (`CandidateState.isReviewed(atAnyOf:)`; 403, not
    /// 404, for every other id, so that ids cannot be probed).
    /// Auditors: every file. Administrators and the outside systems: none.
    func authorizeRead(_ actor: Actor, candidateID: String, state: () async throws -> CandidateState?) async throws {
        switch actor.role {
        case .candidate:
            guard actor.id == candidateID else {
                throw APIError.forbidden("只能查看本人的报名信息", code: DecisionCode.authNotOwnFile.rawValue, field: "candidateID")
            }
        case .reviewer:
            guard let state = try await state(), state.isReviewed(atAnyOf: actor.siteCodes) else {
                throw APIError.forbidden(
                    "该考生未在您负责的考点报名",
                    code: DecisionCode.authNotReviewerOfSite.rawValue,
                    field: "candidateID"
                )
            }
        case .auditor:
            return
        case .admin, .system, .chsi, .bank:
            throw APIError.forbidden("当前账号无权查看考生报名信息")
        }
    }

    /// Whether the caller sees ID numbers in full: the candidate (their own) and the reviewer of the candidate's
    /// site (who compares them with the document in hand and with CHSI's record) do; an auditor traces changes and
    /// sees them masked (`Masking.idNumber`), enough to tell candidates apart.
    func seesFullIDNumbers(_ actor: Actor) -> Bool {
        actor.role == .candidate || actor.role == .reviewer
    }

    /// Whether the caller reads staff by account id: staff do (an auditor traces who did what); a candidate reads them
    /// by role (``Disclosure/hideStaff(_:)-(CandidateState)``).
    func seesStaffIDs(_ actor: Actor) -> Bool { actor.role != .candidate }

    /// The caller must be one of these roles (for reads; commands are authorised by the deciders).
    func require(_ actor: Actor, _ roles: Set<Role>, action: String) throws {
        guard roles.contains(actor.role) else {
            throw APIError.forbidden("当前账号无权\(action)")
        }
    }

    // MARK: Rendering

    static let encoder = FastJSONEncoder(formatting: [.sortedKeys, .withoutEscapingSlashes])

    /// A value encoded as the API's JSON.
    func jsonBody<Value: Encodable>(_ value: Value) throws -> ByteBuffer {
        ByteBuffer(bytes: try Self.encoder.encode(value))
    }

    /// A 200 reply with a JSON body encoded beforehand.
    func jsonReply(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: Self.jsonHeaders(body), body: .init(byteBuffer: body))
    }

    private static func jsonHeaders(_ body: ByteBuffer, adding headers: HTTPFields = [:]) -> HTTPFields {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.contentLength] = String(body.readableBytes)
        return fields
    }

    /// A JSON response.
    func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let body = try jsonBody(value)
        return Response(status: status, headers: Self.jsonHeaders(body, adding: headers), body: .init(byteBuffer: body))
    }

    /// A plain-text response.
    func text(_ value: String, contentType: String) -> Response {
        let buffer = ByteBuffer(string: value)
        return Response(
            status: .ok,
            headers: [.contentType: contentType, .contentLength: String(buffer.readableBytes)],
            body: .init(byteBuffer: buffer)
        )
    }

    /// The answer to a command: the stream's version, the events appended now and the ids it created; 201 when it
    /// created something. A replayed request (same idempotency key) gets the same answer, with `replayed` and
    /// `Idempotent-Replayed`: the version and the events of the first time.
    func commandReply<Event: EventFamily>(
        _ outcome: CommandOutcome<Event>,
        created: Bool = false,
        ids: [String: String] = [:]
    ) async throws -> Response {
        let replayed = outcome.isReplay
        var events = outcome.events.map { type(of: $0.payload).eventType }
        if replayed, let first = outcome.append, first.lastVersion >= first.firstVersion {
            // A replay answers like the first reply: the events the request appended then (read back by their
            // versions; nothing is appended again).
            events = try await service.store.readStream(first.streamId, fromVersion: first.firstVersion, toVersion: first.lastVersion).map(\.type)
        }
        let reply = CommandReply(
            version: outcome.streamVersion,
            events: events,
            replayed: replayed,
            ids: ids
        )
        var headers = HTTPFields()
        if replayed { headers[Header.idempotentReplayed] = "true" }
        return try json(reply, status: created ? .created : .ok, headers: headers)
    }

    /// The response for an error thrown by a handler: the `{code, field, message}` body; 500 (logged, no detail)
    /// for anything unexpected.
    func errorResponse(_ error: any Error, context: RegistrarRequestContext, request: Request? = nil) -> Response {
        let api: APIError
        if let known = APIError.from(error) {
            api = known
        } else {
            context.logger.error("unexpected error", metadata: ["error.type": "\(String(reflecting: type(of: error)))", "error": "\(error)"])
            api = APIError(.internalServerError, code: "http.internal", message: "服务器内部错误，请稍后重试")
        }
        let headers = api.httpFields
        if let request, Self.wantsPage(request) {
            var page = errorPage(api, principal: nil)
            page.headers.append(contentsOf: headers)
            return page
        }
        return (try? json(api.body, status: api.status, headers: headers)) ?? Response(status: api.status)
    }

    /// Whether an error is answered with an HTML page: a browser's request (it accepts `text/html`) outside the JSON
    /// API, such as a form posted too large or a page path mistyped; everything else gets the JSON error body.
    static func wantsPage(_ request: Request) -> Bool {
        let path = request.uri.path
        guard !path.hasPrefix("/api/"), !["/health", "/metrics", "/openapi.json"].contains(path) else { return false }
        return request.headers[.accept]?.contains("text/html") == true
    }
}

/// The body answered to every command.
struct CommandReply: Codable, Sendable {
    /// The stream's version after the command.
    var version: Int
    /// Event types appended now (empty for a replayed request or a command that changed nothing).
    var events: [String]
    /// True when the idempotency key had been used: nothing was appended now.
    var replayed: Bool
    /// Ids created by the command, e.g. `{"entryID": "education-…"}`.
    var ids: [String: String]
}

// MARK: - Request parameters

extension Request {
    /// The body, collected up to the limit and decoded strictly (see ``StrictJSON``).
    ///
    /// `fieldPrefix`: the path the domain's rules name this body's members under (`contact.` for 联系方式), so that a
    /// member refused here (400) and the same member refused by a rule (422) carry one field name.
    func strictBody<T: Codable>(_ type: T.Type, limit: Int, fieldPrefix: String = "") async throws -> T {
        let buffer = try await StrictJSON.collect(self, limit: limit)
        try requireJSONContentType(bodyBytes: buffer.readableBytes)
        do {
            return try StrictJSON.decode(type, from: buffer)
        } catch var error as APIError where !fieldPrefix.isEmpty && !["", "body"].contains(error.body.field) {
            error.body.field = fieldPrefix + error.body.field
            throw error
        }
    }

    /// A body that may be empty (then `empty`), or the type's JSON object, decoded strictly.
    func optionalBody<T: Codable>(_ type: T.Type, limit: Int, empty: T) async throws -> T {
        let buffer = try await StrictJSON.collect(self, limit: limit)
        try requireJSONContentType(bodyBytes: buffer.readableBytes)
        return try StrictJSON.decodeOptional(type, from: buffer, empty: empty)
    }

    /// A body that may be empty or `{}` (commands without parameters); anything else in it is refused.
    func emptyBody(limit: Int) async throws {
        let buffer = try await StrictJSON.collect(self, limit: limit)
        try requireJSONContentType(bodyBytes: buffer.readableBytes)
        _ = try StrictJSON.decodeOptional(NoFields.self, from: buffer, empty: NoFields())
    }

    /// A body is JSON in UTF-8, and says so: `Content-Type: application/json`, with no charset or `charset=utf-8`
    /// (415 otherwise, naming the header). An empty body needs no type.
    func requireJSONContentType(bodyBytes: Int) throws {
        guard bodyBytes > 0 else { return }
        // A compressed body would be read as if it were not: refused, naming the header, rather than 400 "not JSON".
        if let encoding = headers[.contentEncoding], encoding.lowercased() != "identity" {
            throw APIError(
                .unsupportedMediaType,
                code: "request.unsupported_media_type",
                field: "Content-Encoding",
                message: "请求内容不能压缩（不支持Content-Encoding: \(Reject.excerpt(encoding))），请发送未压缩的JSON"
            )
        }
        let declared = headers[.contentType] ?? ""
        // Trimmed in Swift: Foundation's trimming goes through NSString on Linux, on every write.
        let parts = declared.split(separator: ";").map { part in
            String(part.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()).lowercased()
        }
        let charsetOK = parts.dropFirst().allSatisfy { parameter in
            !parameter.hasPrefix("charset=") || ["charset=utf-8", "charset=\"utf-8\""].contains(parameter)
        }
        guard parts.first == "application/json", charsetOK else {
            throw APIError(
                .unsupportedMediaType,
                code: "request.unsupported_media_type",
                field: "Content-Type",
                message: "请求内容须为JSON（Content-Type: application/json，UTF-8编码），收到的是“\(declared.isEmpty ? "未声明" : declared)”"
            )
        }
    }
}

/// An empty JSON object.
struct NoFields: Codable, Sendable {}

extension RegistrarRequestContext {
    /// A path parameter that is an id: 1 to 128 characters of letters, digits, `-`, `_` and `.`, starting with a
    /// letter or digit (400 otherwise, before anything is looked up).
    func id(_ name: String) throws -> String {
        guard let value = parameters.get(name), Self.isValidID(value) else {
            throw APIError.badRequest("invalid_parameter", field: name, message: "路径参数\(name)无效")
        }
        return value
    }

    /// 1 to 128 ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit (checked on the UTF-8
    /// bytes: every request with an id in its path runs it).
    static func isValidID(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard let first = utf8.first, utf8.count <= 128, isAlphanumeric(first) else { return false }
        return utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }
}

extension Request {
    /// A query parameter (percent-decoded by Hummingbird), or nil when absent; 400 when empty or longer than
    /// `maxLength`.
    func query(_ name: String, maxLength: Int = 200) throws -> String? {
        guard let value = uri.queryParameters[name[...]] else { return nil }
        let text = String(value)
        guard !text.isEmpty, text.count <= maxLength else {
            throw APIError.badRequest("invalid_parameter", field: name, message: "查询参数\(name)无效")
        }
        return text
    }

    /// A filter's query parameter: blank is absent, as a browser sends every box of a form, the empty ones too
    /// (`?candidate=&actor=reviewer01`); surrounding blanks are dropped. 400 when longer than `maxLength`.
    func filterQuery(_ name: String, maxLength: Int = 200) throws -> String? {
        guard let value = uri.queryParameters[name[...]] else { return nil }
        let text = String(value).trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        guard text.count <= maxLength else {
            throw APIError.badRequest("invalid_parameter", field: name, message: "查询参数\(name)过长（最多\(maxLength)个字符）")
        }
        return text
    }

    /// An integer query parameter within a range.
    func query(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try query(name, maxLength: 20) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.badRequest("invalid_parameter", field: name, message: "查询参数\(name)须为\(range.lowerBound)到\(range.upperBound)之间的整数")
        }
        return value
    }
}
