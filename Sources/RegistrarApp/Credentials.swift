import Crypto
import Foundation
import GRDB
import RegistrationDomain
import Synchronization
import _CryptoExtras

/// Salted, slow password hashing (PBKDF2-HMAC-SHA256). The encoded hash records its parameters, so the cost can be
/// raised later without invalidating stored hashes.
public struct PasswordHasher: Sendable {
    /// PBKDF2 rounds; OWASP's floor for PBKDF2-HMAC-SHA256 is 210,000 (swift-crypto refuses fewer in its checked API).
    public let rounds: Int
    // nil: the system's random generator, as every real account needs.
    private let seededSalts: SeededSalts?

    /// The production hasher.
    public static let standard = PasswordHasher(rounds: 210_000)

    /// A deliberately cheap hasher for tests only: same algorithm and format, fewer rounds.
    public static let cheapForTests = PasswordHasher(rounds: 1_000)

    /// Creates a hasher with a number of rounds.
    public init(rounds: Int) {
        self.rounds = rounds
        self.seededSalts = nil
    }

    /// A hasher for demo seasons only, whose salts come from a sequence fixed by `seed` (SHA-256 of the seed and a
    /// counter), so that a demo played twice with one seed writes the same credentials table, as it writes the same
    /// log. Each hash still gets a salt of its own while the hashes are made one after another, as a demo makes them;
    /// a real account must never get a predictable salt.
    public static func seededForDemo(rounds: Int, seed: UInt64) -> PasswordHasher {
        PasswordHasher(rounds: rounds, seededSalts: SeededSalts(seed: seed))
    }

    private init(rounds: Int, seededSalts: SeededSalts) {
        self.rounds = rounds
        self.seededSalts = seededSalts
    }

    /// `pbkdf2-sha256$<rounds>$<salt hex>$<hash hex>` with a fresh 16-byte salt (random, or the next of the demo's
    /// sequence).
    public func hash(_ secret: String) throws -> String {
        let salt: Data
        if let seededSalts {
            salt = seededSalts.next()
        } else {
            var generator = SystemRandomNumberGenerator()
            salt = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        return "pbkdf2-sha256$\(rounds)$\(salt.hexString)$\(try derive(secret, salt: salt, rounds: rounds).hexString)"
    }

    /// Checks a secret against an encoded hash, in constant time over the derived bytes.
    public func verify(_ secret: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
            let salt = Data(hexString: String(parts[2])), let expected = Data(hexString: String(parts[3])),
            let actual = try? derive(secret, salt: salt, rounds: rounds)
        else { return false }
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A well-formed hash at this hasher's rounds that no password matches in practice (its salt and key are
    /// fixed random bytes): a log-in with an unknown username is checked against it, so that it costs what a wrong
    /// password costs and its timing does not tell which usernames exist.
    public var decoy: String {
        "pbkdf2-sha256$\(rounds)$6d2a0f5c9e81b3d47a16c0e25f98b7d3$" + String(repeating: "5a", count: 32)
    }

    /// ``hash(_:)`` on a queue of its own: a KDF run takes ~0.1 s of CPU, which on Swift's cooperative pool (one
    /// thread per core) would stall every other request meanwhile.
    public func hashOffPool(_ secret: String) async throws -> String {
        try await Self.runOffPool { try hash(secret) }
    }

    /// ``verify(_:against:)`` on the KDF queue (see ``hashOffPool(_:)``).
    public func verifyOffPool(_ secret: String, against encoded: String) async -> Bool {
        (try? await Self.runOffPool { verify(secret, against: encoded) }) ?? false
    }

    private static let queue = DispatchQueue(label: "registrar.kdf", qos: .userInitiated, attributes: .concurrent)

    private static func runOffPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func derive(_ secret: String, salt: Data, rounds: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Data(secret.utf8),
            salt: salt,
            using: .sha256,
            outputByteCount: 32,
            unsafeUncheckedRounds: rounds
        )
        return key.withUnsafeBytes { Data($0) }
    }
}

/// A credential row: never in the event log.
public struct Credential: Sendable, Equatable {
    /// The candidate or staff id the credential opens.
    public var subjectId: String
    /// The login name (lower-cased for lookup).
    public var username: String
    /// Encoded password hash.
    public var passwordHash: String
    /// The recovery question, as chosen.
    public var recoveryQuestion: String?
    /// Encoded recovery-answer hash.
    public var recoveryAnswerHash: String?
    /// Whether the holder must replace the password before anything else: someone else typed it (an administrator
    /// creating or resetting a staff account, staff resetting a candidate's on site).
    public var mustChangePassword: Bool

    /// Creates a credential.
    public init(
        subjectId: String,
        username: String,
        passwordHash: String,
        recoveryQuestion: String?,
        recoveryAnswerHash: String?,
        mustChangePassword: Bool = false
    ) {
        self.subjectId = subjectId
        self.username = username
        self.passwordHash = passwordHash
        self.recoveryQuestion = recoveryQuestion
        self.recoveryAnswerHash = recoveryAnswerHash
        self.mustChangePassword = mustChangePassword
    }
}

/// The credentials table, in the event log's SQLite file but outside the log.
public enum CredentialTable {
    /// Creates the table when missing.
    public static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS credentials (
                    subject_id TEXT PRIMARY KEY,
                    username TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL,
                    recovery_question TEXT,
                    recovery_answer_hash TEXT,
                    failed_attempts INTEGER NOT NULL DEFAULT 0,
                    locked_until TEXT,
                    must_change_password INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID
                """
        )
        // A file from before the column: its passwords were all typed by their holders or are checked at log-in.
        let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('credentials')")
        if !columns.contains("must_change_password") {
            try db.execute(sql: "ALTER TABLE credentials ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0")
        }
    }

    /// Inserts a credential (inside an append transaction, so that the account and its events commit together).
    public static func insert(_ credential: Credential, into db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO credentials (subject_id, username, password_hash, recovery_question, recovery_answer_hash,
                    must_change_password)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                credential.subjectId, credential.username.lowercased(), credential.passwordHash, credential.recoveryQuestion,
                credential.recoveryAnswerHash, credential.mustChangePassword,
            ]
        )
    }

    /// Replaces a password hash (inside an append transaction, with the event that records the change);
    /// `mustChange` when someone other than the holder typed it. With `replacing`, only if the stored hash is still
    /// that one (the password the holder gave was checked against it): otherwise another change got there first, and
    /// the append is refused (`account.password_changed_meanwhile`), so that of concurrent changes from one current
    /// password exactly one is recorded.
    public static func setPasswordHash(
        _ hash: String,
        mustChange: Bool,
        ofSubject subjectId: String,
        replacing checked: String? = nil,
        in db: Database
    ) throws {
        try db.execute(
            sql: "UPDATE credentials SET password_hash = ?, must_change_password = ? WHERE subject_id = ? AND (?4 IS NULL OR password_hash = ?4)",
            arguments: [hash, mustChange, subjectId, checked]
        )
        // Not a wrong password (it was right when checked): not counted towards the lock-out either.
        if checked != nil, db.changesCount == 0 {
            throw CommandError.rejected(
                Rejection(
                    code: "account.password_changed_meanwhile",
                    field: "currentPassword",
                    message: "密码刚被另一请求修改，本次修改未生效；请用新密码重新登录后再试"
                )
            )
        }
        guard db.changesCount == 1 else { throw DatabaseError(resultCode: .SQLITE_NOTFOUND, message: "no credentials for \(subjectId)") }
    }

    /// Replaces the recovery question and answer hash (inside an append transaction, with the event).
    public static func setRecovery(question: String, answerHash: String, ofSubject subjectId: String, in db: Database) throws {
        try db.execute(
            sql: "UPDATE credentials SET recovery_question = ?, recovery_answer_hash = ? WHERE subject_id = ?",
            arguments: [question, answerHash, subjectId]
        )
        guard db.changesCount == 1 else { throw DatabaseError(resultCode: .SQLITE_NOTFOUND, message: "no credentials for \(subjectId)") }
    }

    /// The credential of a subject, if any.
    public static func find(subjectId: String, in db: Database) throws -> Credential? {
        try credential(where: "subject_id = ?", subjectId, in: db)
    }

    /// The credential of a username, if any.
    public static func find(username: String, in db: Database) throws -> Credential? {
        try credential(where: "username = ?", username.lowercased(), in: db)
    }

    private static func credential(where condition: String, _ value: String, in db: Database) throws -> Credential? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT subject_id, username, password_hash, recovery_question, recovery_answer_hash, must_change_password
                FROM credentials WHERE \(condition)
                """,
            arguments: [value]
        ).map {
            Credential(
                subjectId: $0["subject_id"],
                username: $0["username"],
                passwordHash: $0["password_hash"],
                recoveryQuestion: $0["recovery_question"],
                recoveryAnswerHash: $0["recovery_answer_hash"],
                mustChangePassword: $0["must_change_password"]
            )
        }
    }
}

/// The salt sequence of ``PasswordHasher/seededForDemo(rounds:seed:)``.
private final class SeededSalts: Sendable {
    private let seed: UInt64
    private let counter = Mutex<UInt64>(0)

    init(seed: UInt64) { self.seed = seed }

    func next() -> Data {
        let count = counter.withLock { value in
            value += 1
            return value
        }
        var input = Data()
        withUnsafeBytes(of: seed.littleEndian) { input.append(contentsOf: $0) }
        withUnsafeBytes(of: count.littleEndian) { input.append(contentsOf: $0) }
        return Data(SHA256.hash(data: input).prefix(16))
    }
}
