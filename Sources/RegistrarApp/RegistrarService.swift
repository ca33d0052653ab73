import EventLog
import Foundation
import GRDB
import RegistrationDomain
import Synchronization

/// The application layer: runs candidate, season and staff commands against the event log with the injected clock
/// and ids, the season state as context, the uniqueness claims, and credentials that never enter the log.
public final class RegistrarService: Sendable {
    /// Settings of the service.
    public struct Configuration: Sendable {
        /// The current season's id; its stream is `season-<id>`.
        public var seasonId: String
        /// A snapshot is written every this many events of a stream.
        public var snapshotEvery: Int
        /// How passwords and recovery answers are hashed.
        public var passwordHasher: PasswordHasher
        /// Candidate files whose latest state is kept in memory after a command, so that the next command on the
        /// same file skips loading it (0: every command loads from the log).
        public var stateCacheCapacity: Int

        /// Creates a configuration.
        public init(seasonId: String, snapshotEvery: Int = 20, passwordHasher: PasswordHasher = .standard, stateCacheCapacity: Int = 4096) {
            self.seasonId = seasonId
            self.snapshotEvery = snapshotEvery
            self.passwordHasher = passwordHasher
            self.stateCacheCapacity = stateCacheCapacity
        }
    }

    /// The event log.
    public let store: any EventStore & SnapshotStore
    /// The injected clock.
    public let clock: any Clock
    /// The injected id generator.
    public let ids: any IDGenerator
    /// Settings.
    public let configuration: Configuration
    /// Candidate files.
    public let candidates: CommandHandler<CandidateDecider>
    /// The season (calendar, catalogue, areas, sites).
    public let seasons: CommandHandler<SeasonDecider>
    /// Staff accounts.
    public let staff: CommandHandler<StaffDecider>
    private let seasonCache = Mutex<(version: Int, state: SeasonState)?>(nil)

    /// Creates the service over a store. For the SQLite store the credentials table is created in the same file.
    public init(store: any EventStore & SnapshotStore, clock: any Clock, ids: any IDGenerator, configuration: Configuration) throws {
        self.store = store
        self.clock = clock
        self.ids = ids
        self.configuration = configuration
        candidates = CommandHandler(
            store: store,
            codec: EventCatalog.candidateCodec,
            snapshotEvery: configuration.snapshotEvery,
            stateCacheCapacity: configuration.stateCacheCapacity
        )
        seasons = CommandHandler(store: store, codec: EventCatalog.seasonCodec, snapshotEvery: configuration.snapshotEvery)
        staff = CommandHandler(
            store: store,
            codec: EventCatalog.staffCodec,
            snapshotEvery: configuration.snapshotEvery,
            stateCacheCapacity: configuration.stateCacheCapacity > 0 ? 1024 : 0
        )
        if let sqlite = store as? SQLiteEventStore {
            try sqlite.pool.writeWithoutTransaction { db in try CredentialTable.migrate(db) }
        }
    }

    /// The season stream's id.
    public var seasonStreamId: String { "season-\(configuration.seasonId)" }

    /// The current season state.
    ///
    /// Every command needs it, and it changes a few dozen times a season: the state is kept with its stream version
    /// and replayed again only when the version moved (also when another process appended to it).
    public func seasonState() async throws -> SeasonState {
        let version = try await store.streamVersion(seasonStreamId)
        if let cached = seasonCache.withLock({ $0 }), cached.version == version { return cached.state }
        let (state, loadedVersion) = try await seasons.load(seasonStreamId)
        seasonCache.withLock { $0 = (loadedVersion, state) }
        return state
    }

    /// The metadata of events appended now on behalf of `actor`.
    public func metadata(actor: Actor, request: RequestContext) -> EventMetadata {
        EventMetadata(
            actorId: actor.id,
            role: actor.role.rawValue,
            channel: request.channel,
            requestId: request.requestId,
            correlationId: request.correlationId,
            causationId: request.causationId,
            reason: request.reason,
            recordedAt: Instant.string(from: clock.now())
        )
    }

    // MARK: Commands

    /// Runs an administrator's season command.
    @discardableResult
    public func execute(_ command: SeasonCommand, actor: Actor, request: RequestContext) async throws -> CommandOutcome<SeasonEvent> {
        let season = try await seasonState()
        let clock = self.clock
        return try await seasons.handle(streamId: seasonStreamId, metadata: metadata(actor: actor, request: request)) {
            ContextualCommand(command, CommandContext(actor: actor, now: clock.now(), season: season))
        }
    }

    /// Runs a staff-account command; a new account's password is hashed into the credentials table with it.
    @discardableResult
    public func execute(
        _ command: StaffCommand,
        staffId: String,
        username: String? = nil,
        password: String? = nil,
        actor: Actor,
        request: RequestContext
    ) async throws -> CommandOutcome<StaffEvent> {
        let season = try await seasonState()
        let clock = self.clock
        var alongside: (@Sendable (Database) throws -> Void)?
        if let username, let password {
            let credential = Credential(
                subjectId: staffId,
                username: username,
                passwordHash: try await configuration.passwordHasher.hashOffPool(password),
                recoveryQuestion: nil,
                recoveryAnswerHash: nil
            )
            alongside = { db in try CredentialTable.insert(credential, into: db) }
        }
        // Staff and candidates share one username namespace, as they share the credentials table.
        let claims = username.map { [CandidateClaims.usernameKey($0)] } ?? []
        do {
            return try await staff.handle(
                streamId: staffId,
                metadata: metadata(actor: actor, request: request),
                claims: { _ in claims },
                alongside: alongside,
                makeCommand: { ContextualCommand(command, CommandContext(actor: actor, now: clock.now(), season: season)) }
            )
        } catch EventLogError.claimTaken {
            throw CommandError.rejected(CandidateClaims.usernameTaken(username ?? ""))
        }
    }

    /// Runs a command on a candidate's file.
    ///
    /// Registration is decided once on its own before the password is hashed (hashing is slow by design; a refused
    /// registration should not pay for it), then the credentials commit in the same transaction as the events.
    /// A taken claim becomes the national system's message naming the username already registered.
    @discardableResult
    public func execute(
        _ command: CandidateCommand,
        candidateId: String,
        actor: Actor,
        request: RequestContext
    ) async throws -> CommandOutcome<CandidateEvent> {
        let season = try await seasonState()
        let clock = self.clock
        let makeCommand: @Sendable () -> ContextualCommand<CandidateCommand> = {
            ContextualCommand(command, CommandContext(actor: actor, now: clock.now(), season: season))
        }
        var alongside: (@Sendable (Database) throws -> Void)?
        if case .register(let registration) = command {
            if let requestId = request.requestId, let earlier = try await store.result(ofRequest: requestId) {
                return CommandOutcome(events: [], append: earlier, streamVersion: earlier.lastVersion)
            }
            do {
                _ = try CandidateDecider.decide(makeCommand(), CandidateDecider.initial)
            } catch {
                throw CommandError.rejected(error)
            }
            let credential = Credential(
                subjectId: candidateId,
                username: registration.username,
                passwordHash: try await configuration.passwordHasher.hashOffPool(registration.password),
                recoveryQuestion: registration.recoveryQuestion,
                recoveryAnswerHash: try await configuration.passwordHasher.hashOffPool(registration.recoveryAnswer)
            )
            alongside = { db in try CredentialTable.insert(credential, into: db) }
        }
        do {
            return try await candidates.handle(
                streamId: candidateId,
                metadata: metadata(actor: actor, request: request),
                claims: CandidateClaims.keys(for:),
                alongside: alongside,
                makeCommand: makeCommand
            )
        } catch EventLogError.claimTaken(let claim, let holder) {
            if case .register(let registration) = command, claim == CandidateClaims.usernameKey(registration.username) {
                throw CommandError.rejected(CandidateClaims.usernameTaken(registration.username))
            }
            let holderUsername = try await candidates.load(holder).state.basic?.username ?? "?"
            throw CommandError.rejected(CandidateClaims.alreadyRegistered(username: holderUsername))
        }
    }

    // MARK: Queries

    /// A candidate's current state.
    public func candidateState(_ candidateId: String) async throws -> CandidateState {
        try await candidates.current(candidateId).state
    }

    /// Checks a username and password; returns the subject id when they match.
    public func authenticate(username: String, password: String) async throws -> String? {
        guard let sqlite = store as? SQLiteEventStore else { return nil }
        let credential = try await sqlite.pool.read { db -> Credential? in try CredentialTable.find(username: username, in: db) }
        let hasher = configuration.passwordHasher
        // An unknown username pays for one KDF run too, so the reply's timing does not reveal which usernames exist.
        guard await hasher.verifyOffPool(password, against: credential?.passwordHash ?? hasher.decoy), let credential else { return nil }
        return credential.subjectId
    }
}
