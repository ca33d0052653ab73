import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import Projections
import RegistrarApp
import RegistrationDomain
import Synchronization

/// Settings of the HTTP service.
public struct ServerConfiguration: Sendable {
    /// The application layer the routes call (its clock and ids are the server's).
    public var service: RegistrarService
    /// The address to listen on.
    public var host: String
    /// The port (0: any free port).
    public var port: Int
    /// The largest request body accepted, in bytes (413 beyond it).
    public var maximumBodyBytes: Int
    /// How long a bearer token works.
    public var tokenLifetime: TimeInterval
    /// Failed log-ins of one username, within `failedLoginWindow`, that lock it for `lockoutDuration`.
    public var maximumFailedLogins: Int
    /// The window in which failed log-ins are counted.
    public var failedLoginWindow: TimeInterval
    /// How long a username stays locked.
    public var lockoutDuration: TimeInterval
    /// Failed log-ins, password recoveries and registrations of an already registered person from one client
    /// address, within `failedLoginWindow`, that refuse that address all three for `lockoutDuration`. It bounds what
    /// one client can do against many accounts (guessing one password across usernames, locking others out, finding
    /// out which ID numbers are registered), which the per-account lock-out does not. Generous, because a school's
    /// computer room registers many candidates from one address.
    public var maximumFailuresPerClient: Int = 100
    /// Registrations one client address may make within an hour (then refused for the rest of the hour): each takes an
    /// ID number for good, so that a client generating valid numbers could keep their holders from registering online
    /// (audit Y-5). Generous, for a school's computer room behind one address.
    public var maximumRegistrationsPerClient: Int = 60
    /// Proxies whose `X-Forwarded-For` names the client: a request from one of these addresses counts against the
    /// last address of that header that is not one of them. Empty by default: the connection's peer is the client,
    /// and the header, which anyone can send, is ignored.
    public var trustedProxies: Set<String> = []
    /// The examination fee of an application, in fen, by exam level (the season has no fee table yet).
    public var feeFen: @Sendable (_ examLevel: String) -> Int
    /// The shared secrets and limits of the CHSI and bank callbacks.
    public var callbacks: CallbackSettings
    /// The most bytes of encoded replies kept for the frequent reads (a candidate's file, a comparison, a site's
    /// queue) until a commit changes them; 0 turns the cache off.
    public var replyCacheBytes: Int
    /// The read models' engine installed on the service's store, when the caller has it: the reply cache then drops
    /// a site's queue only when a commit rewrote rows of that queue, instead of on every commit.
    public var readModels: ProjectionEngine? = nil
    /// How often the reply cache reads the log's head and the read models' checkpoints to notice another process's
    /// changes (which it serves at most this late).
    public var replyCacheCheckInterval: Duration = .milliseconds(250)
    /// The audit records the CSV export reads per step while it writes them out (it exports every record of the
    /// filters, however many).
    public var auditExportPageRecords = 5_000
    /// A connection that sends nothing for this long, between requests or in the middle of one, is closed (a reply
    /// being written, such as the live feed, is not idle). Without it, a client whose request the HTTP parser
    /// refused while it was still sending (a request line over 80 KB, then a body) held its connection open for
    /// good, and so could a client that stops halfway.
    public var idleTimeout: Duration = .seconds(30)

    /// The HTTP/1.1 server of the application, with the idle timeout and JSON answers to what the HTTP parser refuses.
    var httpServer: HTTPServerBuilder {
        .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [ParserRefusalResponder(), BodyDeadline()],
                idleTimeout: .init(idleTimeout)
            )
        )
    }

    /// The default fees: 600 yuan for 执业医师, 500 yuan for the assistant levels.
    public static let defaultFees: @Sendable (String) -> Int = { level in
        level == ExamLevel.physician.rawValue ? 60_000 : 50_000
    }

    /// Creates a configuration.
    public init(
        service: RegistrarService,
        host: String = "127.0.0.1",
        port: Int = 8080,
        maximumBodyBytes: Int = 256 * 1024,
        tokenLifetime: TimeInterval = 8 * 3600,
        maximumFailedLogins: Int = 5,
        failedLoginWindow: TimeInterval = 15 * 60,
        lockoutDuration: TimeInterval = 15 * 60,
        feeFen: @escaping @Sendable (String) -> Int = ServerConfiguration.defaultFees,
        callbacks: CallbackSettings = CallbackSettings(),
        replyCacheBytes: Int = 64 << 20
    ) {
        self.service = service
        self.host = host
        self.port = port
        self.maximumBodyBytes = maximumBodyBytes
        self.tokenLifetime = tokenLifetime
        self.maximumFailedLogins = maximumFailedLogins
        self.failedLoginWindow = failedLoginWindow
        self.lockoutDuration = lockoutDuration
        self.feeFen = feeFen
        self.callbacks = callbacks
        self.replyCacheBytes = replyCacheBytes
    }
}

/// Builds the HTTP application: the JSON API under `/api/v1`, `/health`, `/metrics` and `/openapi.json`.
///
/// The read models must be installed on the service's store beforehand (``runServer(databasePath:host:port:seasonID:logger:)``
/// does it) for the review and audit routes to answer.
public func buildApplication(_ configuration: ServerConfiguration, logger: Logger? = nil) async throws -> some ApplicationProtocol {
    let logger = logger ?? Logger(label: "registrar.http")
    let (router, _) = makeRouter(configuration, logger: logger)
    return Application(
        router: router,
        server: configuration.httpServer,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "registrar"),
        logger: logger
    )
}

/// The router and the list of its routes (the OpenAPI test compares the list with the document).
func makeRouter(_ configuration: ServerConfiguration, logger: Logger) -> (Router<RegistrarRequestContext>, [RouteEntry]) {
    let (router, routes, _) = makeRouterAndPages(configuration, logger: logger)
    return (router, routes)
}

/// The router, the routes of the API (the OpenAPI document's scope) and the page routes.
func makeRouterAndPages(
    _ configuration: ServerConfiguration,
    logger: Logger
) -> (Router<RegistrarRequestContext>, [RouteEntry], [RouteEntry]) {
    let api = RegistrarAPI(configuration: configuration, logger: logger)
    // HEAD answers every GET route with its headers (RFC 9110 §9.3.2).
    let router = Router(context: RegistrarRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: FrontMiddleware(api: api))
    var routes = Routes(router: router, api: api)
    routes.addOperations()
    routes.addAccounts()
    routes.addCandidateFile()
    routes.addReview()
    routes.addAdministration()
    routes.addReads()
    routes.addCallbacks()
    routes.addPages()
    api.knownRoutes.set(routes.entries + routes.pageEntries)
    return (router, routes.entries.sorted(), routes.pageEntries.sorted())
}

/// The routes of the JSON API and operations, as registered (for tests and the OpenAPI check); the HTML pages are
/// listed by ``registeredPages(_:)``.
public func registeredRoutes(_ configuration: ServerConfiguration) -> [RouteEntry] {
    makeRouter(configuration, logger: Logger(label: "registrar.routes")).1
}

/// The server-rendered pages and the event stream, as registered (for the pages' authorisation test).
public func registeredPages(_ configuration: ServerConfiguration) -> [RouteEntry] {
    makeRouterAndPages(configuration, logger: Logger(label: "registrar.routes")).2
}

/// Why a server did not start on a log: its last events' hash chain is broken, its append-only triggers are
/// missing, or it lost events its read models had folded. Serving it would chain new events onto the changed ones,
/// append where nothing stops the log being changed, or append where the read models never look.
public struct ServerStartRefusal: Error, Equatable, CustomStringConvertible {
    public var description: String

    /// A refusal saying why.
    public init(_ description: String) { self.description = description }

    /// The events whose chain a server checks as it starts (the last ones; `registrar verify` checks them all).
    public static let checkedEvents = LogGuard.checkedEvents

    /// Checks the hash chain of the log's last ``checkedEvents`` events, the append-only triggers, and that no read
    /// model folded events the log no longer has; throws a refusal naming the first problem, the file and what to run.
    public static func check(_ store: SQLiteEventStore, readModels: ProjectionEngine, databasePath: String) async throws {
        if let problem = try await LogGuard.problem(store, readModels: readModels, databasePath: databasePath, requireTriggers: true) {
            throw ServerStartRefusal(problem)
        }
    }
}

/// Opens the event log at `databasePath`, installs the read models, and serves until SIGINT or SIGTERM, then shuts
/// down gracefully (requests in flight are answered).
///
/// Refuses to start (``ServerStartRefusal``) on a log whose last events' hash chain is broken, whose append-only
/// triggers are missing, or that lost events its read models had folded.
///
/// - Parameter ready: called with the URL once the server listens.
public func runServer(
    databasePath: String,
    host: String = "127.0.0.1",
    port: Int = 8080,
    seasonID: String = "2026",
    logger: Logger = Logger(label: "registrar.http"),
    callbacks: CallbackSettings = .fromEnvironment(),
    replyCacheBytes: Int = 64 << 20,
    trustedProxies: Set<String> = [],
    registrationsPerClient: Int = 60,
    ready: @escaping @Sendable (String) -> Void = { print($0) }
) async throws {
    let store = try SQLiteEventStore(path: databasePath)
    let service = try RegistrarService(
        store: store,
        clock: SystemClock(),
        ids: RandomIDGenerator(),
        configuration: .init(seasonId: seasonID)
    )
    let engine = ProjectionEngine(store: store)
    try await ServerStartRefusal.check(store, readModels: engine, databasePath: databasePath)
    try engine.install()
    var configuration = ServerConfiguration(service: service, host: host, port: port, callbacks: callbacks, replyCacheBytes: replyCacheBytes)
    configuration.readModels = engine
    configuration.trustedProxies = trustedProxies
    configuration.maximumRegistrationsPerClient = registrationsPerClient
    let (router, _) = makeRouter(configuration, logger: logger)
    let app = Application(
        router: router,
        server: configuration.httpServer,
        configuration: .init(address: .hostname(host, port: port), serverName: "registrar"),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? port
            ready("http://\(host):\(port)/")
        },
        logger: logger
    )
    try await app.runService()
}

/// The first middleware of every route (and of unknown routes): request id, errors as JSON, metrics and one
/// structured log line per request. The log line has the route pattern, never the path, the query or the body, so
/// no personal data reaches the logs.
struct FrontMiddleware: RouterMiddleware {
    typealias Context = RegistrarRequestContext
    let api: RegistrarAPI

    /// Milliseconds with two decimals, e.g. `3.07`.
    static func milliseconds(_ seconds: Double) -> String {
        let hundredths = Int((seconds * 100_000).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestID = Header.token(request.headers[Header.requestID]) ?? UUID().uuidString.lowercased()
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response: Response
        // The code of a refusal, for the metrics and the log line (never personal data: a closed set).
        var refusal: String?
        do {
            var request = request
            context.requestFingerprint = try await api.fingerprint(of: &request)
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            // No route of this method: 405 naming the methods the path has, when it has any.
            let allowed = api.knownRoutes.methods(forPath: request.uri.path)
            let answered: any Error = allowed.isEmpty ? error : APIError.methodNotAllowed(allowed)
            refusal = APIError.from(answered)?.body.code
            response = api.errorResponse(answered, context: context, request: request)
        } catch {
            refusal = APIError.from(error)?.body.code
            response = api.errorResponse(error, context: context, request: request)
        }
        // A page that shows a refusal as HTML says its code here, for the same counting.
        if let code = response.headers[Header.pageRefusal] {
            refusal = refusal ?? code
            response.headers[Header.pageRefusal] = nil
        }
        if response.status.code < 400 || response.status.code >= 500 { refusal = nil }
        response.headers[Header.requestID] = context.requestID
        // Replies hold personal data: no shared or browser cache keeps them (a route that may be cached says so),
        // no page is framed by another site's page (clicks on a reviewer's buttons), no type is guessed.
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        api.metrics.record(method: request.method.rawValue, route: route, status: response.status.code, seconds: seconds, refusal: refusal)
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(Self.milliseconds(seconds)),
        ]
        if let refusal { metadata["code"] = .string(refusal) }
        context.logger.info("request", metadata: metadata)
        return response
    }
}

/// The routes' methods by path pattern, for the `Allow` header of a 405 (filled once the routes are registered).
final class KnownRoutes: Sendable {
    private let patterns = Mutex<[(segments: [Substring], method: String)]>([])

    /// Records the routes.
    func set(_ entries: [RouteEntry]) {
        patterns.withLock { $0 = entries.map { (Self.segments($0.path), $0.method) } }
    }

    /// The methods of the routes whose pattern matches the path (`{name}` matches one non-empty segment), with
    /// `HEAD` beside `GET`, sorted; empty when no route has the path.
    func methods(forPath path: String) -> [String] {
        let segments = Self.segments(path)
        var methods = Set<String>()
        patterns.withLock { patterns in
            for pattern in patterns where pattern.segments.count == segments.count {
                let matches = zip(pattern.segments, segments).allSatisfy { expected, actual in
                    expected.hasPrefix("{") ? !actual.isEmpty : expected == actual
                }
                if matches { methods.insert(pattern.method) }
            }
        }
        if methods.contains("GET") { methods.insert("HEAD") }
        return methods.sorted()
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: false)
    }
}
