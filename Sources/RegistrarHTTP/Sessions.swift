import Crypto
import EventLog
import Foundation
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
}

/// Bearer tokens, kept server-side in memory: a token is 32 random bytes (base64url), stored only as its SHA-256,
/// and expires after a fixed lifetime. Restarting the server logs everybody out, which is acceptable for a
/// registration site (and avoids writing secrets to the database file).
final class SessionStore: Sendable {
    private struct State {
        var sessions: [SHA256.Digest: Session] = [:]
        var issuedSinceSweep = 0
    }

    // A lock rather than an actor: every authenticated request looks its token up, and an actor costs a hop to its
    // executor and back per request.
    private let state = Mutex(State())
    private let clock: any RegistrarApp.Clock
    private let lifetime: TimeInterval

    init(clock: any RegistrarApp.Clock, lifetime: TimeInterval) {
        self.clock = clock
        self.lifetime = lifetime
    }

    /// Issues a new token for a subject.
    func issue(for subjectId: String, isStaff: Bool) -> (token: String, session: Session) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let now = clock.now()
        let session = Session(subjectId: subjectId, isStaff: isStaff, expiresAt: now.addingTimeInterval(lifetime))
        let key = Self.key(token)
        state.withLock { state in
            state.sessions[key] = session
            state.issuedSinceSweep += 1
            if state.issuedSinceSweep >= 1_000 {
                state.sessions = state.sessions.filter { $0.value.expiresAt > now }
                state.issuedSinceSweep = 0
            }
        }
        return (token, session)
    }

    /// The live session of a token, if any.
    func session(for token: String) -> Session? {
        let key = Self.key(token)
        let now = clock.now()
        return state.withLock { state in
            guard let session = state.sessions[key] else { return nil }
            guard session.expiresAt > now else {
                state.sessions[key] = nil
                return nil
            }
            return session
        }
    }

    /// Ends a session.
    func revoke(_ token: String) {
        let key = Self.key(token)
        state.withLock { _ = $0.sessions.removeValue(forKey: key) }
    }

    /// Ends every session of a subject but `keeping` (after a password change: a stolen token stops working).
    func revokeAll(of subjectId: String, keeping token: String? = nil) {
        let kept = token.map(Self.key)
        state.withLock { state in
            state.sessions = state.sessions.filter { $0.value.subjectId != subjectId || $0.key == kept }
        }
    }

    private static func key(_ token: String) -> SHA256.Digest {
        var token = token
        return token.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
    }
}

/// Lock-out after repeated failed log-ins: `maximumFailures` failures for a username within `window` lock it for
/// `lockout`. Kept in memory: a restart forgives, which is no worse than the guess rate the KDF already limits.
actor LoginThrottle {
    private struct Record {
        var failures: [Date] = []
        var lockedUntil: Date?
    }

    private var records: [String: Record] = [:]
    private let clock: any RegistrarApp.Clock
    private let maximumFailures: Int
    private let window: TimeInterval
    private let lockout: TimeInterval

    init(clock: any RegistrarApp.Clock, maximumFailures: Int, window: TimeInterval, lockout: TimeInterval) {
        self.clock = clock
        self.maximumFailures = maximumFailures
        self.window = window
        self.lockout = lockout
    }

    /// Seconds until the username may try again, or nil when it may try now.
    func retryAfter(_ username: String) -> Int? {
        let key = username.lowercased()
        guard let until = records[key]?.lockedUntil else { return nil }
        let now = clock.now()
        guard until > now else {
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
            record.lockedUntil = now.addingTimeInterval(lockout)
            record.failures = []
        }
        records[key] = record
        if records.count > 100_000 { records = records.filter { $0.value.lockedUntil != nil } }
        return record.lockedUntil.map { max(1, Int($0.timeIntervalSince(now).rounded(.up))) }
    }

    /// Forgets the failures of a username after a successful log-in.
    func succeed(_ username: String) {
        records[username.lowercased()] = nil
    }
}
