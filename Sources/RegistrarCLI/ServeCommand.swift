import ArgumentParser
import EventLog
import Foundation
import Logging
import RegistrarApp
import RegistrarHTTP
import RegistrationDomain

/// `registrar serve`: the JSON API over an event log file.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API over an event log until SIGINT or SIGTERM.",
        discussion: """
            Opens (or creates) the log, checks the hash chain of its last \(ServerStartRefusal.checkedEvents) events \
            and that no read model has folded events the log no longer has (it refuses to start otherwise: run \
            `registrar verify`), brings the read models up to date, prints the URL and serves. On SIGINT or \
            SIGTERM it stops accepting connections, answers the requests in flight and exits. Logs are JSON lines on \
            standard error.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Flag(
        name: .long,
        help: "Serve on an address other than loopback with the published development callback secrets (never in production)."
    )
    var allowDevelopmentSecrets = false

    @Option(name: .long, help: "The port to listen on (0: any free port).")
    var port = 8080

    @Option(name: .long, help: "The current season's id (its stream is season-<id>); default: the one season the log holds, else 2026.")
    var season: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Play a demo season of N candidates into the database first, when it is empty.",
            discussion: """
                After the demo (whose clock runs through early 2026), the system extends the review and payment windows \
                to include today, as an administrator would, so that the demo reviewers and candidates can act now. The \
                extension is an ordinary, audited SeasonCalendarSet event.
                """
        )
    )
    var demo: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .long, help: "CHSI's callback secret (default: $REGISTRAR_CHSI_SECRET, else a development secret).")
    var chsiSecret: String?

    @Option(name: .long, help: "The bank's callback secret (default: $REGISTRAR_BANK_SECRET, else a development secret).")
    var bankSecret: String?

    @Option(name: .long, help: "The key of the CHSI QR payloads (default: $REGISTRAR_QR_KEY, else a development key).")
    var qrKey: String?

    @Option(
        name: .long,
        help:
            "Megabytes of encoded replies kept for the frequent reads (a candidate's file, a comparison, a site's queue) until a commit changes them; 0 turns the cache off."
    )
    var replyCacheMb = 64

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The IP address of a proxy in front of the server (repeatable).",
            discussion: """
                A request from it counts, for the lock-out of a client after repeated failed log-ins, recoveries and \
                registrations, against the last address of its X-Forwarded-For header that is not a trusted proxy. \
                Without it the header is ignored, since anyone can send it.
                """
        )
    )
    var trustedProxy: [String] = []

    @Option(
        name: .customLong("registrations-per-client"),
        help: "Registrations one client address may make within an hour (a load test's generator raises it)."
    )
    var registrationsPerClient = 60

    func validate() throws {
        guard registrationsPerClient >= 1 else { throw ValidationError("--registrations-per-client must be at least 1") }
        guard (0...4_096).contains(replyCacheMb) else { throw ValidationError("--reply-cache-mb must be between 0 and 4096") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "unknown --log-level \(logLevel): one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        if let demo, demo < 1 { throw ValidationError("--demo must be at least 1") }
        for proxy in trustedProxy where !Self.isIPAddress(proxy) {
            throw ValidationError("--trusted-proxy \(proxy) is not an IP address")
        }
        for (option, value) in [("--chsi-secret", chsiSecret), ("--bank-secret", bankSecret), ("--qr-key", qrKey)] {
            // An empty HMAC key signs for anyone (the environment's empty variables count as unset instead).
            if let value, value.isEmpty { throw ValidationError("\(option) must not be empty") }
        }
        // The development secrets are in the README: on an address others reach, anyone could sign a bank
        // confirmation with them.
        let unset = callbacks.developmentValuesInUse
        if !unset.isEmpty && !Self.isLoopback(host) && !allowDevelopmentSecrets {
            throw ValidationError(
                "--host \(host) is reachable from other machines, and \(unset.joined(separator: ", ")) still hold the published "
                    + "development values: set them (or --chsi-secret, --bank-secret, --qr-key), or serve on 127.0.0.1"
            )
        }
    }

    /// The callback settings: the environment's, overridden by the options.
    private var callbacks: CallbackSettings {
        var callbacks = CallbackSettings.fromEnvironment()
        if let chsiSecret { callbacks.chsiSecret = chsiSecret }
        if let bankSecret { callbacks.bankSecret = bankSecret }
        if let qrKey { callbacks.qrKey = qrKey }
        return callbacks
    }

    /// Whether the text is an IPv4 or IPv6 address, as the connection's peer is spelled.
    static func isIPAddress(_ text: String) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }

    /// Whether only this machine reaches the address.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Plays the demo into an empty log, then opens the review and payment windows around today.
    private func prepareDemo(candidates: Int, season: String) async throws {
        let store = try database.openOrCreate(for: "serve --demo").store
        guard try await store.headPosition() == 0 else {
            say("\(database.db) already holds events: serving it as it is (no demo played)")
            // A log a demo played: its accounts, as the demo made them, so that a second `make run` names them too.
            if try await store.claimHolder(CandidateClaims.usernameKey(DemoSeason.adminAccount.username)) != nil {
                let sites = try await RegistrarService(
                    store: store,
                    clock: SystemClock(),
                    ids: RandomIDGenerator(),
                    configuration: .init(seasonId: season)
                )
                .seasonState().sites.keys.sorted()
                say(
                    """
                    demo accounts (as the demo made them; a password changed since is not shown):
                      考生      \(DemoSeason.candidateUsername) / \(DemoSeason.candidatePassword)
                      审核人员  reviewer_<site> / \(DemoSeason.reviewerPassword), for the sites \(sites.joined(separator: ", "))
                      审计人员  \(DemoSeason.auditorAccount.username) / \(DemoSeason.auditorAccount.password)
                      管理员    \(DemoSeason.adminAccount.username) / \(DemoSeason.adminAccount.password)
                    """
                )
            }
            return
        }
        let started = ContinuousClock.now
        let bar = ProgressBar("demo")
        let report = try await DemoCommand.play(store: store, candidates: candidates, seed: 2026, progress: bar.reporter)
        bar.finish()
        say(DemoCommand.summary(report, path: database.db, elapsed: ContinuousClock.now - started))
        let service = try RegistrarService(
            store: store,
            clock: SystemClock(),
            ids: RandomIDGenerator(),
            configuration: .init(seasonId: season)
        )
        guard let calendar = try await service.seasonState().calendar else { return }
        let now = Date()
        let day: TimeInterval = 86_400
        var extended = calendar
        extended.reviewCloses = max(calendar.reviewCloses, now.addingTimeInterval(30 * day))
        extended.paymentCloses = max(calendar.paymentCloses, now.addingTimeInterval(45 * day))
        try await service.execute(
            .setCalendar(SetSeasonCalendar(calendar: extended)),
            actor: .system,
            request: RequestContext(channel: "system", reason: "演示：现场审核与缴费期延长至今日之后")
        )
        say("review window extended to \(Instant.string(from: extended.reviewCloses)), payment to \(Instant.string(from: extended.paymentCloses))")
    }

    /// The season to serve: `--season`; else the one season the log holds (a log's season is its `season-<id>`
    /// stream, which a server started with another id would not see: an empty season beside the real one); else 2026,
    /// the demo's. A log with several seasons needs `--season`.
    private func resolvedSeason(_ path: String) async throws -> String {
        if let season { return season }
        guard case .eventLog = try? SQLiteEventStore.inspect(path: path), let store = try? database.open(readOnly: true) else {
            return "2026"
        }
        let seasons = try store.pool.readNow { db in
            try String.fetchAll(
                db,
                sql: "SELECT DISTINCT stream_id FROM events WHERE stream_id >= 'season-' AND stream_id < 'season.' ORDER BY stream_id"
            )
        }.map { String($0.dropFirst("season-".count)) }
        guard seasons.count <= 1 else {
            throw failure("serve: \(path) holds the seasons \(seasons.joined(separator: ", ")): name the one to serve with --season")
        }
        return seasons.first ?? "2026"
    }

    /// Writes a line to standard output unbuffered, so that it comes before the server's own lines.
    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func run() async throws {
        JSONLogHandler.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        defer { JSONLogHandler.flush() }
        let path = database.db
        // A server that cannot start leaves no file it created behind (a mistyped --port, a port in use), the demo it
        // played into a new file included: a second run plays it again.
        let fileExisted = FileManager.default.fileExists(atPath: path)
        let season = try await resolvedSeason(path)
        if let demo {
            do {
                try await prepareDemo(candidates: demo, season: season)
            } catch let exit as ExitCode {
                throw exit
            } catch {
                throw failure("demo failed: \(error)")
            }
        }
        // An empty log has no account yet: the API creates staff only for an administrator.
        var logIsEmpty = demo == nil
        if logIsEmpty, case .eventLog = try? SQLiteEventStore.inspect(path: path), let store = try? database.open(readOnly: true) {
            logIsEmpty = (try? await store.headPosition()) == 0
        }
        let empty = logIsEmpty
        let callbacks = self.callbacks
        let development = callbacks.developmentValuesInUse
        if !development.isEmpty {
            printError(
                "registrar: warning: \(development.joined(separator: ", ")) hold the published development values; "
                    + "set them before serving anything but a demo"
            )
        }
        do {
            try await runServer(
                databasePath: path,
                host: host,
                port: port,
                seasonID: season,
                callbacks: callbacks,
                replyCacheBytes: replyCacheMb << 20,
                trustedProxies: Set(trustedProxy),
                registrationsPerClient: registrationsPerClient
            ) { url in
                // Unbuffered and in one write, so that a script reading the pipe sees the URL at once.
                let base = url.hasSuffix("/") ? url : url + "/"
                let lines =
                    [
                        "registrar serving \(path) at \(url)",
                        "  pages        \(base)login (a reviewer lands on the queue of a site, the auditor on the trail, a candidate on their history)",
                        "  API          \(base)api/v1/ (OpenAPI 3.1: \(base)openapi.json)",
                        "  operations   \(base)health, \(base)metrics",
                        "  season       \(season) (stream season-\(season)\(self.season == nil ? "; --season names another" : ""))",
                    ]
                    + (empty
                        ? [
                            "  the log is empty: create its first administrator with "
                                + "`registrar create-admin --db \(path) --username NAME --display-name NAME` (password on standard input)"
                        ] : [])
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
        } catch let refusal as ServerStartRefusal {
            throw failure("serve refused to start: \(refusal)")
        } catch {
            if !fileExisted { database.removeCreatedFile() }
            // The socket's own words, as the operator needs them.
            let text = "\(error)"
            if text.contains("Address already in use") || text.contains("EADDRINUSE") {
                throw failure("serve failed: \(host):\(port) is already in use (another server?): choose another --port")
            }
            if text.contains("Cannot assign requested address") || text.contains("getaddrinfo") || text.contains("NIOConnectionError") {
                throw failure("serve failed: cannot listen on --host \(host): not an address of this machine")
            }
            throw failure("serve failed: \(error)")
        }
    }
}
