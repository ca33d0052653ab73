import Crypto
import EventLog
import Foundation
import GRDB
import Hummingbird
import RegistrarApp
import Synchronization

/// Who a bearer token stands for.
struct Session: Sendable, Equatable {
    /// The candidate or staff id the credentials opened.
    var subjectId: String
    /// A staff account (whose role and scope are read on every request), or a candidate.
    var isStaff: Bool
    /// When the token stops working.
    var expiresAt: Date
    /// Opened with a password someone else typed (an administrator's, staff's on site) or one the current rule
    /// refuses: the token serves only to replace it, and to log out.
    var passwordChangeRequired = false
}

/// Bearer tokens: a token is 32 random bytes (base64url), kept server-side only as its SHA-256, and expires after a
/// fixed lifetime.
///
/// With a database (the server's SQLite file) every session is also a row of `sessions`, written when it is issued
/// and deleted when it ends, so that a restart of the server (a deployment during the registration surge, a crash)
/// does not log everybody out; lookups are answered from memory and go to the table only for a token this process
/// has not seen (one issued before the restart). The table holds no secret: a token's SHA-256 does not give the token.
final class SessionStore: Sendable {
    private struct State {
        var sessions: [SHA256.Digest: Session] = [:]
        var issuedSinceSweep = 0
        /// Bumped by every revocation after its rows are deleted: a lookup that read a row from the table before a
        /// revocation must not put it back into memory after the revocation emptied memory.
        var revocations = 0
    }

    // A lock rather than an actor: every authenticated request looks its token up, and an actor costs a hop to its
    // executor and back per request.
    private let state = Mutex(State())
    private let clock: any RegistrarApp.Clock
    private let lifetime: TimeInterval
    private let writer: (any DatabaseWriter)?

    init(clock: any RegistrarApp.Clock, lifetime: TimeInterval, writer: (any DatabaseWriter)? = nil) {
        self.clock = clock
        self.lifetime = lifetime
        self.writer = writer
        try? writer?.write { db in try Self.migrate(db) }
    }

    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS sessions (
                    token_sha256 BLOB PRIMARY KEY,
                    subject_id TEXT NOT NULL,
                    is_staff INTEGER NOT NULL,
                    expires_at REAL NOT NULL,
                    password_change_required INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS sessions_subject ON sessions (subject_id);
                CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions (expires_at);
                """
        )
        let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('sessions')")
        if !columns.contains("password_change_required") {
            try db.execute(sql: "ALTER TABLE sessions ADD COLUMN password_change_required INTEGER NOT NULL DEFAULT 0")
        }
    }

    /// Issues a new token for a subject (stored before it is handed out).
    func issue(for subjectId: String, isStaff: Bool, passwordChangeRequired: Bool = false) throws -> (token: String, session: Session) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let now = clock.now()
        let session = Session(
            subjectId: subjectId,
            isStaff: isStaff,
            expiresAt: now.addingTimeInterval(lifetime),
            passwordChangeRequired: passwordChangeRequired
        )
        let key = Self.key(token)
        let sweep = state.withLock { state -> Bool in
            state.issuedSinceSweep += 1
            guard state.issuedSinceSweep >= 1_000 else { return false }
            state.sessions = state.sessions.filter { $0.value.expiresAt > now }
            state.issuedSinceSweep = 0
            return true
        }
        try writer?.write { db in
            if sweep { try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [now.timeIntervalSince1970]) }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO sessions (token_sha256, subject_id, is_staff, expires_at, password_change_required)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [Data(key), subjectId, isStaff, session.expiresAt.timeIntervalSince1970, passwordChangeRequired]
            )
        }
        state.withLock { $0.sessions[key] = session }
        return (token, session)
    }

    /// The live session of a token, if any.
    func session(for token: String) -> Session? {
        let key = Self.key(token)
        let now = clock.now()
        var (found, revocations) = state.withLock { ($0.sessions[key], $0.revocations) }
        while found == nil, let writer {
            // Issued before this process started (or by another process on the same file).
            found = try? writer.read { db in
                try Row.fetchOne(
                    db,
                    sql: "SELECT subject_id, is_staff, expires_at, password_change_required FROM sessions WHERE token_sha256 = ?",
                    arguments: [Data(key)]
                )
                .map {
                    Session(
                        subjectId: $0["subject_id"],
                        isStaff: $0["is_staff"],
                        expiresAt: Date(timeIntervalSince1970: $0["expires_at"]),
                        passwordChangeRequired: $0["password_change_required"]
                    )
                }
            }
            guard let read = found, read.expiresAt > now else { break }
            // Kept only if no revocation ran since the row was read; otherwise read again (it may be gone).
            let kept = state.withLock { state -> Bool in
                guard state.revocations == revocations else {
                    revocations = state.revocations
                    return false
                }
                state.sessions[key] = read
                return true
            }
            if !kept { found = nil } else { break }
        }
        guard let session = found else { return nil }
        guard session.expiresAt > now else {
            forget(key)
            return nil
        }
        return session
    }

    /// The session of a token no longer needs a password change (its holder just replaced the password).
    func passwordChanged(_ token: String) {
        let key = Self.key(token)
        state.withLock { $0.sessions[key]?.passwordChangeRequired = false }
        try? writer?.write { db in
            try db.execute(sql: "UPDATE sessions SET password_change_required = 0 WHERE token_sha256 = ?", arguments: [Data(key)])
        }
    }

    /// Ends a session.
    func revoke(_ token: String) {
        forget(Self.key(token))
    }

    /// Ends every session of a subject but `keeping` (after a password change: a stolen token stops working).
    func revokeAll(of subjectId: String, keeping token: String? = nil) {
        let kept = token.map(Self.key)
        // The rows first, then memory: a lookup racing this finds the row gone, or is told to read it again.
        try? writer?.write { db in
            try db.execute(
                sql: "DELETE FROM sessions WHERE subject_id = ? AND token_sha256 IS NOT ?",
                arguments: [subjectId, kept.map { Data($0) }]
            )
        }
        state.withLock { state in
            state.revocations += 1
            state.sessions = state.sessions.filter { $0.value.subjectId != subjectId || $0.key == kept }
        }
    }

    private func forget(_ key: SHA256.Digest) {
        try? writer?.write { db in try db.execute(sql: "DELETE FROM sessions WHERE token_sha256 = ?", arguments: [Data(key)]) }
        state.withLock { state in
            state.revocations += 1
            _ = state.sessions.removeValue(forKey: key)
        }
    }

    private static func key(_ token: String) -> SHA256.Digest {
        var token = token
        return token.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
    }
}

/// Lock-out after repeated failed log-ins: `maximumFailures` failures for a key (a username, or a candidate's
/// password and recovery checks) within `window` lock it for `lockout`. The failures are counted in memory; a lock,
/// once set, is also a row of `login_lockouts` (with a database), so that a restart does not lift it.
actor LoginThrottle {
    private struct Record {
        var failures: [Date] = []
        var lockedUntil: Date?
        /// Attempts begun (``begin(_:)``) and not yet ended: they count against the limit until they end, so that a
        /// burst of concurrent attempts cannot pass the check before any of them has failed.
        var inFlight = 0
    }

    /// The key of a username's failed log-ins: prefixed, so that no username (which a client types freely) can name
    /// the key of another lock (`client:…`, `recovery:…`, `password:…`) and lock it.
    static func usernameKey(_ username: String) -> String { "user:" + username }

    private var records: [String: Record] = [:]
    private let clock: any RegistrarApp.Clock
    private let maximumFailures: Int
    private let window: TimeInterval
    private let lockout: TimeInterval
    private let writer: (any DatabaseWriter)?
    /// Told of every lock as it is set (its key and until when), for the server's log.
    private let locked: @Sendable (_ key: String, _ until: Date) -> Void

    init(
        clock: any RegistrarApp.Clock,
        maximumFailures: Int,
        window: TimeInterval,
        lockout: TimeInterval,
        writer: (any DatabaseWriter)? = nil,
        locked: @escaping @Sendable (_ key: String, _ until: Date) -> Void = { _, _ in }
    ) {
        self.locked = locked
        self.clock = clock
        self.maximumFailures = maximumFailures
        self.window = window
        self.lockout = lockout
        self.writer = writer
        let now = clock.now().timeIntervalSince1970
        try? writer?.write { db in
            try db.execute(
                sql: "CREATE TABLE IF NOT EXISTS login_lockouts (key TEXT PRIMARY KEY, locked_until REAL NOT NULL) WITHOUT ROWID"
            )
            // Expired locks are read only to be forgotten: gone at start, they do not pile up.
            try db.execute(sql: "DELETE FROM login_lockouts WHERE locked_until <= ?", arguments: [now])
        }
    }

    /// Seconds until the key may try again, or nil when it may try now.
    func retryAfter(_ username: String) -> Int? {
        let key = username.lowercased()
        if records[key] == nil, let until = storedLock(key) { records[key] = Record(lockedUntil: until) }
        guard let until = records[key]?.lockedUntil else { return nil }
        let now = clock.now()
        guard until > now else {
            records[key] = nil
            forgetStoredLock(key)
            return nil
        }
        // An operator lifts a lock by deleting its row (README): a lock the table no longer holds is lifted now,
        // not at the next restart. Read only while locked, so a check costs no read otherwise.
        if writer != nil, storedLock(key) == nil {
            records[key] = nil
            return nil
        }
        return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }

    /// Records a failure; returns the lock-out in seconds when this failure triggered one.
    func fail(_ username: String) -> Int? {
        let key = username.lowercased()
        let now = clock.now()
        var record = records[key] ?? Record()
        if let until = record.lockedUntil, until <= now { record.lockedUntil = nil }
        record.failures = record.failures.filter { now.timeIntervalSince($0) < window } + [now]
        if record.failures.count >= maximumFailures {
            let until = now.addingTimeInterval(lockout)
            record.lockedUntil = until
            record.failures = []
            locked(key, until)
            try? writer?.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO login_lockouts (key, locked_until) VALUES (?, ?)",
                    arguments: [key, until.timeIntervalSince1970]
                )
            }
        }
        records[key] = record
        if records.count > 100_000 { records = records.filter { $0.value.lockedUntil != nil } }
        return record.lockedUntil.map { max(1, Int($0.timeIntervalSince(now).rounded(.up))) }
    }

    /// Forgets the failures of a key after a success (which `retryAfter` let through: no lock is stored).
    func succeed(_ username: String) {
        records[username.lowercased()] = nil
    }

    /// What ``begin(_:)`` decides.
    enum Start: Equatable {
        /// Go on: the attempt counts in flight until ``LoginThrottle/end(_:failed:)``.
        case go
        /// The key is locked for this many seconds.
        case locked(Int)
        /// Its failures and the attempts in flight together reach the limit: try again when one ends.
        case busy
    }

    /// Begins an attempt of a key.
    func begin(_ key: String) -> Start {
        if let wait = retryAfter(key) { return .locked(wait) }
        let lowered = key.lowercased()
        let now = clock.now()
        var record = records[lowered] ?? Record()
        record.failures = record.failures.filter { now.timeIntervalSince($0) < window }
        guard record.failures.count + record.inFlight < maximumFailures else { return .busy }
        record.inFlight += 1
        records[lowered] = record
        return .go
    }

    /// ``begin(_:)``, waiting while the key is busy (its attempts in flight end), for up to `patience`.
    func enter(_ key: String, patience: Duration = .seconds(5)) async -> Start {
        var waited = Duration.zero
        while true {
            let start = begin(key)
            guard start == .busy, waited < patience else { return start }
            try? await Task.sleep(for: .milliseconds(20))
            waited += .milliseconds(20)
        }
    }

    /// Ends an attempt ``begin(_:)`` let through, counting it as a failure when it failed; a success forgets the key's
    /// failures when `successForgets` (an account's log-in: the right password ends the run of wrong ones; not a
    /// client's, whose one good log-in must not wipe the count of its failures).
    /// - Returns: the lock-out in seconds when this failure set one.
    @discardableResult
    func end(_ key: String, failed: Bool, successForgets: Bool = false) -> Int? {
        let lowered = key.lowercased()
        if var record = records[lowered] {
            record.inFlight = max(0, record.inFlight - 1)
            if !failed && successForgets { record.failures = [] }
            records[lowered] = record
        }
        return failed ? fail(key) : nil
    }

    private func storedLock(_ key: String) -> Date? {
        (try? writer?.read { db in
            try Double.fetchOne(db, sql: "SELECT locked_until FROM login_lockouts WHERE key = ?", arguments: [key])
        })?.flatMap { $0 }.map { Date(timeIntervalSince1970: $0) }
    }

    private func forgetStoredLock(_ key: String) {
        try? writer?.write { db in try db.execute(sql: "DELETE FROM login_lockouts WHERE key = ?", arguments: [key]) }
    }
}

/// IP addresses as text, in one spelling: `::ffff:127.0.0.1` (an IPv4 peer of a dual-stack listener) is
/// `127.0.0.1`, and an IPv6 address is written as `inet_ntop` writes it (`0:0:0:0:0:0:0:1` is `::1`), so that the
/// peer, the `--trusted-proxy` addresses and the `X-Forwarded-For` hops compare equal when they are one address.
public enum IPAddressText {
    /// The canonical text of an IPv4 or IPv6 address, or nil when the text is not one.
    public static func canonical(_ text: String) -> String? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return format(AF_INET, &v4, length: INET_ADDRSTRLEN) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        // ::ffff:a.b.c.d, an IPv4 address on an IPv6 socket; ::a.b.c.d, the deprecated IPv4-compatible form (but ::
        // and ::1, which are IPv6's own).
        let mapped = bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF
        let compatible = bytes[0..<12].allSatisfy({ $0 == 0 }) && bytes[12..<15].contains { $0 != 0 }
        if mapped || compatible {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        return format(AF_INET6, &v6, length: INET6_ADDRSTRLEN)
    }

    /// The /64 network of an IPv6 address (`2001:db8:1:2::/64`), nil for an IPv4 address or no address.
    public static func network64(_ text: String) -> String? {
        var v6 = in6_addr()
        guard text.contains(":"), inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        withUnsafeMutableBytes(of: &v6) { bytes in
            for index in 8..<16 { bytes[index] = 0 }
        }
        return format(AF_INET6, &v6, length: INET6_ADDRSTRLEN).map { $0 + "/64" }
    }

    private static func format<Address>(_ family: Int32, _ address: inout Address, length: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(length))
        guard inet_ntop(family, &address, &buffer, socklen_t(length)) != nil else { return nil }
        return String(cString: buffer)
    }
}

/// The client of a request as the per-client lock-out counts it, and the checks that lock-out makes.
extension RegistrarAPI {
    /// The client's address: the connection's peer, or, when the peer is a trusted proxy, the last address of
    /// `X-Forwarded-For` that is not a trusted proxy (the first hop a trusted proxy saw). Anyone can send the header,
    /// so only a trusted proxy's is read.
    func clientAddress(_ request: Request, _ context: RegistrarRequestContext) -> String {
        let peer = context.peerAddress.map { IPAddressText.canonical($0) ?? $0 } ?? "unknown"
        let proxies = trustedProxies
        guard proxies.contains(peer) else { return peer }
        let hops = request.headers[values: Header.forwardedFor]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            // A hop that is no address is not a client anyone can be told apart by: the proxy stands for it.
            guard let address = IPAddressText.canonical(hop) else { return peer }
            if !proxies.contains(address) { return address }
        }
        return peer
    }

    /// The throttle key of the request's client.
    /// An IPv6 client is counted by its /64 network: one host commonly holds a whole /64, and one bucket per address
    /// would be no limit at all.
    /// Refuses (429) a client address that registered its hourly share of accounts; `count` after a registration.
    func checkingRegistrations<T: Sendable>(
        _ request: Request,
        _ context: RegistrarRequestContext,
        _ register: () async throws -> (T, counts: Bool)
    ) async throws -> T {
        let key = "registrations:" + clientKey(request, context)
        // A registration counts from its start, as a credential check does: a burst of concurrent ones cannot all pass
        // before the first is counted (audit AA-6). At the limit with some in flight, wait for one to end.
        switch await registrationThrottle.enter(key) {
        case .go: break
        case .busy: throw APIError.clientBusy(field: "username")
        case .locked(let wait):
            throw APIError(
                .tooManyRequests,
                code: "registration.client_limit",
                field: "username",
                message: "此网络地址注册的账号已达每小时\(configuration.maximumRegistrationsPerClient)个，请\(max(1, (wait + 59) / 60))分钟后再试",
                headers: ["Retry-After": String(wait)]
            )
        }
        do {
            let (value, counts) = try await register()
            await registrationThrottle.end(key, failed: counts)
            return value
        } catch {
            await registrationThrottle.end(key, failed: false)
            throw error
        }
    }

    private func clientKey(_ request: Request, _ context: RegistrarRequestContext) -> String {
        let address = clientAddress(request, context)
        return "client:" + (IPAddressText.network64(address) ?? address)
    }

    /// Runs a credential check of the request's client: refused (429) while the client is locked out, or while its
    /// failures and its checks in flight reach the limit; counted as a failure when `body` marks its attempt failed.
    /// The attempt counts from its start, so a burst of concurrent requests cannot all pass before the first fails.
    func checkingClient<T: Sendable>(
        _ request: Request,
        _ context: RegistrarRequestContext,
        field: String,
        _ body: (ClientAttempt) async throws -> T
    ) async throws -> T {
        let key = clientKey(request, context)
        // At the limit with checks in flight, wait for one to end (up to 5 s) rather than refuse: the checks of a
        // busy shared address (a school's) that succeed free their places, and a burst of failures is counted
        // before more of it is let through.
        switch await clientThrottle.enter(key) {
        case .go: break
        case .locked(let wait): throw APIError.clientLockedOut(seconds: wait, field: field)
        case .busy: throw APIError.clientBusy(field: field)
        }
        let attempt = ClientAttempt()
        do {
            let value = try await body(attempt)
            await clientThrottle.end(key, failed: attempt.failed)
            return value
        } catch {
            await clientThrottle.end(key, failed: attempt.failed)
            throw error
        }
    }
}

/// One credential check of a client (``RegistrarAPI/checkingClient(_:_:field:_:)``): marked failed when it fails.
final class ClientAttempt: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Whether the check failed.
    var failed: Bool { flag.load(ordering: .relaxed) }
    /// Marks the check failed.
    func fail() { flag.store(true, ordering: .relaxed) }
}

extension APIError {
    /// 429 for a username whose failures and log-ins in flight stayed at the limit for 5 s (not locked yet).
    static let accountBusy = APIError(
        .tooManyRequests,
        code: "auth.account_busy",
        field: "username",
        message: "该用户名同时进行的登录请求过多，请稍后再试",
        headers: ["Retry-After": "1"]
    )

    /// 429 for a client whose failures and checks in flight stayed at the limit for 5 s (not locked yet).
    static func clientBusy(field: String) -> APIError {
        APIError(
            .tooManyRequests,
            code: "auth.client_busy",
            field: field,
            message: "此网络地址同时进行的登录、找回密码或注册请求过多，请稍后再试",
            headers: ["Retry-After": "1"]
        )
    }

    /// 429 for a client address locked after too many failed log-ins, recoveries or registrations.
    static func clientLockedOut(seconds: Int, field: String) -> APIError {
        APIError(
            .tooManyRequests,
            code: "auth.client_locked_out",
            field: field,
            message: "此网络地址的登录、找回密码或注册失败次数过多，请\(max(1, (seconds + 59) / 60))分钟后再试",
            headers: ["Retry-After": String(seconds)]
        )
    }
}
