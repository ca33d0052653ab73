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
            try sqlite.pool.writeWithoutTransaction { db in
                try CredentialTable.migrate(db)
                try UnchangedRequestTable.migrate(db)
                try PhotoTable.migrate(db)
            }
        }
    }

    /// The season stream's id.
    public var seasonStreamId: String { "season-\(configuration.seasonId)" }

    /// The current season state.
    ///
    /// Every command needs it, and it changes a few dozen times a season: the state is kept with its stream version
    /// and replayed again only when the version moved (also when another process appended to it).
    public func seasonState() async throws -> SeasonState {
        try await currentSeason().state
    }

    private func currentSeason() async throws -> (version: Int, state: SeasonState) {
        try await season(logVersion: store.streamVersion(seasonStreamId))
    }

    private func season(logVersion version: Int) async throws -> (version: Int, state: SeasonState) {
        if let cached = seasonCache.withLock({ $0 }), cached.version == version { return cached }
        let loaded = try await seasons.load(seasonStreamId)
        seasonCache.withLock { $0 = (loaded.version, loaded.state) }
        return (loaded.version, loaded.state)
    }

    /// Runs `append` on the season as this process last saw it, with the condition that the log's season is still
    /// at that version when the append commits; when it has moved (another process changed it), again on the season
    /// as it is now. No read of the log before the decision, and no command decided on a calendar already replaced.
    private func onSeason<Outcome>(
        _ append: (SeasonState, [StreamCondition]) async throws -> Outcome
    ) async throws -> Outcome {
        var season: (version: Int, state: SeasonState)
        if let cached = seasonCache.withLock({ $0 }) { season = cached } else { season = try await currentSeason() }
        var attempt = 1
        while true {
            do {
                return try await append(season.state, [StreamCondition(streamId: seasonStreamId, version: season.version)])
            } catch EventLogError.conditionNotMet(let streamId, _, _) where streamId == seasonStreamId && attempt < 4 {
                attempt += 1
                season = try await currentSeason()
            } catch CommandError.rejected(let rejection) where attempt < 4 {
                // A refusal never reaches the append's condition, so it is checked here: decided on a season the
                // log has since replaced (another process changed the calendar), it is decided again.
                let current = try await currentSeason()
                guard current.version != season.version else { throw CommandError.rejected(rejection) }
                attempt += 1
                season = current
            }
        }
    }

    /// The metadata of events appended now on behalf of `actor`.
    /// `at`: the command's instant, which its decision also reads (one clock reading, so that the file's own times
    /// equal the trail's); now when not given.
    public func metadata(actor: Actor, request: RequestContext, at now: Date? = nil) -> EventMetadata {
        EventMetadata(
            actorId: actor.id,
            role: actor.role.rawValue,
            channel: request.channel,
            requestId: request.requestId,
            correlationId: request.correlationId,
            causationId: request.causationId,
            reason: request.reason,
            recordedAt: Instant.string(from: now ?? clock.now()),
            requestFingerprint: request.requestId == nil ? nil : request.fingerprint
        )
    }

    // MARK: Commands

    /// Runs an administrator's season command.
    @discardableResult
    public func execute(_ command: SeasonCommand, actor: Actor, request: RequestContext) async throws -> CommandOutcome<SeasonEvent> {
        let season = try await seasonState()
        let clock = self.clock
        let now = clock.now()
        let outcome = try await seasons.handle(streamId: seasonStreamId, metadata: metadata(actor: actor, request: request, at: now)) {
            ContextualCommand(command, CommandContext(actor: actor, now: now, season: season))
        }
        // The commands decided next in this process see the new calendar at once (the cache is keyed by the
        // season's version, which this append moved).
        if !outcome.events.isEmpty { _ = try await currentSeason() }
        return outcome
    }

    /// Runs a staff-account command; a new account's password is hashed into the credentials table with it.
    /// `passwordMustChange`: the holder must replace that password at the first log-in (an administrator typed it).
    @discardableResult
    public func execute(
        _ command: StaffCommand,
        staffId: String,
        username: String? = nil,
        password: String? = nil,
        passwordMustChange: Bool = true,
        actor: Actor,
        request: RequestContext
    ) async throws -> CommandOutcome<StaffEvent> {
        let clock = self.clock
        var alongside: (@Sendable (Database) throws -> Void)?
        if let username, let password {
            let credential = Credential(
                subjectId: staffId,
                username: username,
                passwordHash: try await configuration.passwordHasher.hashOffPool(password),
                recoveryQuestion: nil,
                recoveryAnswerHash: nil,
                mustChangePassword: passwordMustChange
            )
            alongside = { db in try CredentialTable.insert(credential, into: db) }
        }
        // Staff and candidates share one username namespace, as they share the credentials table.
        let claims = username.map { [CandidateClaims.usernameKey($0)] } ?? []
        let now = clock.now()
        let metadata = metadata(actor: actor, request: request, at: now)
        do {
            return try await onSeason { season, conditions in
                try await staff.handle(
                    streamId: staffId,
                    metadata: metadata,
                    claims: { _, _ in claims },
                    alongside: alongside,
                    conditions: conditions,
                    makeCommand: { ContextualCommand(command, CommandContext(actor: actor, now: now, season: season)) }
                )
            }
        } catch EventLogError.claimTaken {
            throw CommandError.rejected(CandidateClaims.usernameTaken(username ?? ""))
        }
    }

    /// A staff account's password replaced: by its holder after giving the current one (`currentPassword`), or by an
    /// administrator with a reason (`currentPassword` nil, the command's method `.reset`). Decided before the slow
    /// hash; the new hash is written in the same transaction as the `StaffPasswordChanged` event.
    @discardableResult
    public func changeStaffPassword(
        _ change: ChangeStaffPassword,
        currentPassword: String?,
        actor: Actor,
        request: RequestContext
    ) async throws -> CommandOutcome<StaffEvent> {
        guard store is SQLiteEventStore else {
            throw CommandError.rejected(Rejection(code: "account.unavailable", field: "staffID", message: "账号服务不可用"))
        }
        if let earlier = try await earlierOutcome(of: request, as: StaffEvent.self) { return earlier }
        let season = try await seasonState()
        let state = try await staff.current(change.staffID).state
        do {
            _ = try StaffDecider.decide(.changePassword(change), in: CommandContext(actor: actor, now: clock.now(), season: season), state: state)
        } catch {
            throw CommandError.rejected(error)
        }
        if change.method == .byHolder { try Self.refuseUnchanged(currentPassword ?? "", change.newPassword) }
        let checked = change.method == .byHolder ? try await verifyPassword(currentPassword ?? "", of: change.staffID) : nil
        let hash = try await configuration.passwordHasher.hashOffPool(change.newPassword)
        let subject = change.staffID
        let mustChange = change.method == .reset
        var request = request
        if change.method == .reset { request.reason = change.reason }
        let now = clock.now()
        let metadata = metadata(actor: actor, request: request, at: now)
        return try await onSeason { season, conditions in
            try await staff.handle(
                streamId: subject,
                metadata: metadata,
                alongside: { db in
                    try CredentialTable.setPasswordHash(hash, mustChange: mustChange, ofSubject: subject, replacing: checked, in: db)
                },
                conditions: conditions,
                makeCommand: { ContextualCommand(.changePassword(change), CommandContext(actor: actor, now: now, season: season)) }
            )
        }
    }

    /// Runs a command on a candidate's file.
    ///
    /// Registration is decided once on its own before the password is hashed (hashing is slow by design; a refused
    /// registration should not pay for it), then the credentials commit in the same transaction as the events.
    /// A taken claim becomes the national system's message naming the username already registered.
    /// `photo`: the uploaded image an application names (``PhotoUpload/photoID``), kept in the same transaction as
    /// its events (a refused application keeps nothing).
    @discardableResult
    public func execute(
        _ command: CandidateCommand,
        candidateId: String,
        actor: Actor,
        request: RequestContext,
        photo: StoredPhoto? = nil
    ) async throws -> CommandOutcome<CandidateEvent> {
        let clock = self.clock
        var alongside: (@Sendable (Database) throws -> Void)?
        if let photo {
            guard case .submitApplication(let submission) = command else { preconditionFailure("a photo comes with an application") }
            precondition(submission.photo.photoID == photo.photoID, "the application names the photo it comes with")
            alongside = { db in try PhotoTable.insert(photo, at: clock.now(), into: db) }
        }
        if case .changeRecoveryQuestion = command {
            throw CommandError.rejected(
                Rejection(code: "account.proof_required", field: "currentPassword", message: "修改密码找回问题须验证原密码")
            )
        }
        if case .changePassword(let change) = command {
            // The candidate's own changes need a proof (the current password, the recovery answer): only
            // ``changePassword(candidateId:currentPassword:newPassword:request:)`` and
            // ``recoverPassword(idType:idNumber:name:recoveryAnswer:newPassword:request:)`` check it.
            guard change.method == .staff else {
                throw CommandError.rejected(
                    Rejection(code: "account.proof_required", field: "method", message: "修改密码须验证原密码或密码找回答案")
                )
            }
            if let earlier = try await earlierOutcome(of: request) { return earlier }
            try await decideAccountChange(command, actor: actor)
            return try await appendPasswordChange(change, actor: actor, request: request)
        }
        if case .register(let registration) = command {
            if let earlier = try await earlierOutcome(of: request) { return earlier }
            let season = try await currentSeason().state
            do {
                _ = try CandidateDecider.decide(
                    ContextualCommand(command, CommandContext(actor: actor, now: clock.now(), season: season)),
                    CandidateDecider.initial
                )
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
        let now = clock.now()
        let metadata = metadata(actor: actor, request: request, at: now)
        let credentials = alongside
        do {
            return try await onSeason { season, conditions in
                try await candidates.handle(
                    streamId: candidateId,
                    metadata: metadata,
                    claims: CandidateClaims.keys(for:after:),
                    alongside: credentials,
                    conditions: conditions
                ) {
                    ContextualCommand(command, CommandContext(actor: actor, now: now, season: season))
                }
            }
        } catch EventLogError.claimTaken(let claim, let holder) {
            if case .register(let registration) = command, claim == CandidateClaims.usernameKey(registration.username) {
                throw CommandError.rejected(CandidateClaims.usernameTaken(registration.username))
            }
            let holderBasic = try await candidates.load(holder).state.basic
            let holderUsername = holderBasic?.username ?? "?"
            if case .correctBasicInfo = command {
                // A reviewer's correction to a number another account holds: said to the reviewer, about that account.
                throw CommandError.rejected(CandidateClaims.correctionToTakenNumber(username: holderUsername))
            }
            // The guide's answer names the account when the name and the document were registered (FAQ 15: "您的姓名和
            // 身份证件已在国家医学考试中心注册过"); to someone who gives only the number, the account's username is not
            // told, or any number would look up whose it is.
            if case .register(let registration) = command, holderBasic?.name != registration.name.trimmingCharacters(in: .whitespaces) {
                throw CommandError.rejected(CandidateClaims.documentAlreadyRegistered)
            }
            throw CommandError.rejected(CandidateClaims.alreadyRegistered(username: holderUsername))
        }
    }

    // MARK: Passwords

    /// 修改密码: the candidate, logged in (`actor`), replaces the password after giving the current one.
    @discardableResult
    public func changePassword(
        candidateId: String,
        currentPassword: String,
        newPassword: String,
        actor: Actor,
        request: RequestContext
    ) async throws -> CommandOutcome<CandidateEvent> {
        // A retried request replays before the check: its current password is the one it set.
        if let earlier = try await earlierOutcome(of: request) { return earlier }
        let change = ChangePassword(candidateID: candidateId, newPassword: newPassword, method: .byCandidate)
        try await decideAccountChange(.changePassword(change), actor: actor)
        try Self.refuseUnchanged(currentPassword, newPassword)
        let checked = try await verifyPassword(currentPassword, of: candidateId)
        return try await appendPasswordChange(change, actor: actor, request: request, replacing: checked)
    }

    /// 密码找回设置: the candidate, logged in (`actor`), replaces the recovery question and answer after giving the
    /// current password.
    @discardableResult
    public func changeRecoveryQuestion(
        candidateId: String,
        currentPassword: String,
        question: String,
        answer: String,
        actor: Actor,
        request: RequestContext
    ) async throws -> CommandOutcome<CandidateEvent> {
        if let earlier = try await earlierOutcome(of: request) { return earlier }
        let command = CandidateCommand.changeRecoveryQuestion(ChangeRecoveryQuestion(candidateID: candidateId, question: question, answer: answer))
        try await decideAccountChange(command, actor: actor)
        try await verifyPassword(currentPassword, of: candidateId)
        let answerHash = try await configuration.passwordHasher.hashOffPool(answer)
        return try await appendAccountChange(command, actor: actor, request: request) { db in
            try CredentialTable.setRecovery(question: question, answerHash: answerHash, ofSubject: candidateId, in: db)
        }
    }

    /// A change to the password given as the current one changes nothing: a password someone else typed, which must
    /// be replaced, would stay in use.
    private static func refuseUnchanged(_ currentPassword: String, _ newPassword: String) throws {
        guard currentPassword != newPassword else {
            throw CommandError.rejected(
                Rejection(code: "account.password_unchanged", field: "newPassword", message: "新密码不能与当前密码相同")
            )
        }
    }

    /// Checks a subject's current password (a KDF run whether or not the subject has credentials); returns the stored
    /// hash it matched, for the change to replace only that one.
    @discardableResult
    private func verifyPassword(_ password: String, of subjectId: String) async throws -> String {
        let credential = try credential(ofSubject: subjectId)
        let hasher = configuration.passwordHasher
        guard await hasher.verifyOffPool(password, against: credential?.passwordHash ?? hasher.decoy), let credential else {
            throw CommandError.rejected(Rejection(code: "account.wrong_password", field: "currentPassword", message: "原密码错误"))
        }
        return credential.passwordHash
    }

    /// The account a recovery names, as 找回密码 asks for it (ID type, ID number and name), and its recovery question.
    /// Nil when no registered candidate has that document and name.
    public func recoveryAccount(idType: String, idNumber: String, name: String) async throws -> (candidateId: String, question: String)? {
        try await recoveryCredential(idType: idType, idNumber: idNumber, name: name).map { ($0.subjectId, $0.recoveryQuestion ?? "") }
    }

    /// An ID number as 找回密码 looks it up: without surrounding blanks (tabs and the full-width space too), upper-case.
    /// Whatever counts a recovery's failures must key them by this, or each spelling of one number would be a lock-out
    /// of its own.
    public static func recoveryIDNumber(_ idNumber: String) -> String {
        idNumber.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
    }

    /// The credentials of the candidate with that document and name, when they have a recovery question.
    private func recoveryCredential(idType: String, idNumber: String, name: String) async throws -> Credential? {
        let idNumber = Self.recoveryIDNumber(idNumber)
        guard let candidateId = try await store.claimHolder(CandidateClaims.personKey(idType: idType, idNumber: idNumber)) else { return nil }
        let state = try await candidates.current(candidateId).state
        guard let basic = state.basic, basic.idType == idType, basic.idNumber.uppercased() == idNumber,
            basic.name == name.trimmingCharacters(in: .whitespaces),
            let credential = try credential(ofSubject: candidateId), credential.recoveryQuestion != nil
        else { return nil }
        return credential
    }

    /// 找回密码: ID type, ID number, name and the recovery answer set at registration; replaces the password.
    /// Returns the candidate and the username (which the candidate may have forgotten too).
    @discardableResult
    public func recoverPassword(
        idType: String,
        idNumber: String,
        name: String,
        recoveryAnswer: String,
        newPassword: String,
        request: RequestContext
    ) async throws -> (candidateId: String, username: String, outcome: CommandOutcome<CandidateEvent>) {
        let credential = try await recoveryCredential(idType: idType, idNumber: idNumber, name: name)
        let hasher = configuration.passwordHasher
        // The same cost whether or not the account exists, as for log-ins.
        let answered = await hasher.verifyOffPool(recoveryAnswer, against: credential?.recoveryAnswerHash ?? hasher.decoy)
        guard let credential else {
            throw CommandError.rejected(
                Rejection(
                    code: "account.not_found",
                    field: "idNumber",
                    message: "证件号码与姓名不匹配，或尚未注册。如仍无法找回，请于现场资格审核期间由考点工作人员协助解决"
                )
            )
        }
        let candidateId = credential.subjectId
        let change = ChangePassword(candidateID: candidateId, newPassword: newPassword, method: .recovery)
        try await decideAccountChange(.changePassword(change), actor: .candidate(candidateId))
        guard answered else {
            throw CommandError.rejected(Rejection(code: "account.wrong_recovery_answer", field: "recoveryAnswer", message: "密码找回答案错误"))
        }
        if let earlier = try await earlierOutcome(of: request) { return (candidateId, credential.username, earlier) }
        if await hasher.verifyOffPool(newPassword, against: credential.passwordHash) {
            // A password staff typed on site is to be replaced, not set again by recovery.
            if credential.mustChangePassword { try Self.refuseUnchanged(newPassword, newPassword) }
            // The password it has already (a recovery sent again, the success page refreshed): nothing to record, and
            // no session to end.
            let version = try await candidates.current(candidateId).version
            return (candidateId, credential.username, CommandOutcome(events: [], append: nil, streamVersion: version))
        }
        let outcome = try await appendPasswordChange(change, actor: .candidate(candidateId), request: request)
        return (candidateId, credential.username, outcome)
    }

    /// Appends a password change its caller has decided already (a refused one pays for no KDF run), with the new
    /// password's hash written to the credentials table in the same transaction; with `checked`, only over that stored
    /// hash (the current password the candidate gave).
    private func appendPasswordChange(
        _ change: ChangePassword,
        actor: Actor,
        request: RequestContext,
        replacing checked: String? = nil
    ) async throws -> CommandOutcome<CandidateEvent> {
        let hash = try await configuration.passwordHasher.hashOffPool(change.newPassword)
        let subject = change.candidateID
        var request = request
        if change.method == .staff { request.reason = change.reason }
        // A password staff typed on site is the candidate's to replace at the next log-in.
        let mustChange = change.method == .staff
        return try await appendAccountChange(.changePassword(change), actor: actor, request: request) { db in
            try CredentialTable.setPasswordHash(hash, mustChange: mustChange, ofSubject: subject, replacing: checked, in: db)
        }
    }

    /// Appends an account command's event with its credentials row change, in one transaction (decided already).
    private func appendAccountChange(
        _ command: CandidateCommand,
        actor: Actor,
        request: RequestContext,
        credentials: @escaping @Sendable (Database) throws -> Void
    ) async throws -> CommandOutcome<CandidateEvent> {
        guard store is SQLiteEventStore else {
            throw CommandError.rejected(Rejection(code: "account.unavailable", field: "candidateID", message: "账号服务不可用"))
        }
        let clock = self.clock
        let now = clock.now()
        let metadata = metadata(actor: actor, request: request, at: now)
        return try await onSeason { season, conditions in
            try await candidates.handle(
                streamId: command.candidateID,
                metadata: metadata,
                claims: CandidateClaims.keys(for:after:),
                alongside: credentials,
                conditions: conditions
            ) {
                ContextualCommand(command, CommandContext(actor: actor, now: now, season: season))
            }
        }
    }

    /// What a request with this id appended before (a retry appends nothing and answers the same).
    private func earlierOutcome(of request: RequestContext) async throws -> CommandOutcome<CandidateEvent>? {
        try await earlierOutcome(of: request, as: CandidateEvent.self)
    }

    /// The same for a command of another stream family (a staff account's).
    private func earlierOutcome<Event>(of request: RequestContext, as _: Event.Type) async throws -> CommandOutcome<Event>? {
        guard let requestId = request.requestId else { return nil }
        if let earlier = try await store.result(ofRequest: requestId, fingerprint: request.fingerprint) {
            return CommandOutcome(events: [], append: earlier, streamVersion: earlier.lastVersion)
        }
        guard let sqlite = store as? SQLiteEventStore else { return nil }
        return try UnchangedRequestTable.outcome(of: requestId, fingerprint: request.fingerprint, streamId: nil, in: sqlite)
    }

    /// Decides a password change on the file as it is now, appending nothing: refusals come before any KDF run.
    private func decideAccountChange(_ command: CandidateCommand, actor: Actor) async throws {
        let context = CommandContext(actor: actor, now: clock.now(), season: try await seasonState())
        do {
            _ = try CandidateDecider.decide(command, in: context, state: try await candidates.current(command.candidateID).state)
        } catch let rejection as Rejection {
            throw CommandError.rejected(rejection)
        }
    }

    /// The credentials row of an account (its username, whether its password must be replaced), if any.
    public func credential(ofSubject subjectId: String) throws -> Credential? {
        guard let sqlite = store as? SQLiteEventStore else { return nil }
        return try sqlite.pool.readNow { db in try CredentialTable.find(subjectId: subjectId, in: db) }
    }

    // MARK: Queries

    /// Who ids are, as people read them: a staff member's display name and username (`审核员甲（reviewer01）`), a
    /// candidate's username; ids without an account are left out.
    public func accountNames(_ ids: Set<String>) async throws -> [String: String] {
        guard let sqlite = store as? SQLiteEventStore else { return [:] }
        return try await Self.accountNames(ids, store: sqlite, staff: staff)
    }

    /// The same, for a log read without a service (`registrar trace`): the credentials table gives the usernames,
    /// the staff streams the display names.
    public static func accountNames(
        _ ids: Set<String>,
        store: SQLiteEventStore,
        staff: CommandHandler<StaffDecider>
    ) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let sorted = ids.sorted()
        var usernames = [String: String]()
        // A few hundred ids at a time, within SQLite's limit on the arguments of a statement.
        for start in stride(from: 0, to: sorted.count, by: 500) {
            let chunk = Array(sorted[start..<min(start + 500, sorted.count)])
            let rows = try store.pool.readNow { db -> [Row] in
                guard try db.tableExists("credentials") else { return [] }
                return try Row.fetchAll(
                    db,
                    sql: "SELECT subject_id, username FROM credentials WHERE subject_id IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(chunk)
                )
            }
            for row in rows { usernames[row["subject_id"]] = row["username"] as String }
        }
        var names = [String: String]()
        for (id, username) in usernames {
            let displayName = id.hasPrefix("staff-") ? try await staff.current(id).state.displayName : ""
            names[id] = displayName.isEmpty ? username : "\(displayName)（\(username)）"
        }
        return names
    }

    /// The photo of this id, if kept (an application submitted before photos were kept names one that is not).
    public func photo(_ photoID: String) throws -> StoredPhoto? {
        guard let sqlite = store as? SQLiteEventStore else { return nil }
        return try sqlite.pool.readNow { db in try PhotoTable.find(photoID, in: db) }
    }

    /// Whether the photo of this id is kept, without reading it (the pages that link it).
    public func hasPhoto(_ photoID: String) throws -> Bool {
        guard let sqlite = store as? SQLiteEventStore else { return false }
        return try sqlite.pool.readNow { db in try PhotoTable.contains(photoID, in: db) }
    }

    /// A candidate's current state.
    public func candidateState(_ candidateId: String) async throws -> CandidateState {
        try await candidates.current(candidateId).state
    }

    /// The file and application of a payment order (what the bank's callback names), from the log: the order's
    /// claim, taken when the payment started; for a payment started before orders were claimed, the log's
    /// `PaymentStarted` event itself (a scan, reached only by a callback whose signature checked out).
    public func paymentOrder(_ orderNumber: String) async throws -> (candidateID: String, applicationID: String)? {
        var holder = try await store.claimHolder(CandidateClaims.orderKey(orderNumber))
        if holder == nil { holder = try await legacyHolder(of: PaymentStarted.eventType, "$.orderNumber", orderNumber) }
        guard let candidateID = holder else { return nil }
        let state = try await candidateState(candidateID)
        guard let application = state.applicationsInOrder.first(where: { $0.payments.contains { $0.orderNumber == orderNumber } }) else {
            return nil
        }
        return (candidateID, application.applicationID)
    }

    /// The `ChsiScanStarted` event of a scan (what a CHSI answer naming the scan by id needs: the file, the entry and
    /// when the scan started), from the log: the file by the scan's claim, taken when the scan started, then the
    /// event in the file; for a scan started before scans were claimed, the event itself (a scan, reached only by a
    /// callback whose signature checked out).
    public func chsiScan(_ scanID: String) async throws -> ChsiScanStarted? {
        var holder = try await store.claimHolder(CandidateClaims.scanKey(scanID))
        if holder == nil { holder = try await legacyHolder(of: ChsiScanStarted.eventType, "$.scanID", scanID) }
        guard let candidateID = holder else { return nil }
        for stored in try await store.readPayloads(candidateID, fromVersion: 1, toVersion: nil) where stored.type == ChsiScanStarted.eventType {
            if case .chsiScanStarted(let started) = try EventCatalog.candidateCodec.decode(stored), started.scanID == scanID { return started }
        }
        return nil
    }

    /// The stream of the first event of `type` whose payload has `value` at `path`, by a scan of the log (SQLite
    /// store only): for references made before they were claimed.
    private func legacyHolder(of type: String, _ path: String, _ value: String) async throws -> String? {
        guard let sqlite = store as? SQLiteEventStore else { return nil }
        // Blocking, as every read while serving (``EventLog/DatabaseReader/readNow(_:)``): rare, and a connection
        // held across a suspension can deadlock the server.
        return try sqlite.pool.readNow { db in
            try String.fetchOne(
                db,
                sql: "SELECT stream_id FROM events WHERE event_type = ? AND json_extract(data, ?) = ? LIMIT 1",
                arguments: [type, path, value]
            )
        }
    }

    /// A candidate's current state and the current season, checked against the log in one read (what a candidate's
    /// view needs: the file, and the calendar that says what may be done next).
    public func candidateStateAndSeason(_ candidateId: String) async throws -> (candidate: CandidateState, season: SeasonState) {
        let versions = try await store.streamVersions([candidateId, seasonStreamId])
        let candidate = try await candidates.current(candidateId, logVersion: versions[0]).state
        return (candidate, try await season(logVersion: versions[1]).state)
    }

    /// Checks a username and password; returns the subject id when they match, whether someone else typed the
    /// password (the holder must replace it before anything else), and the stored hash it matched (to tell, once a
    /// session is issued, that no reset replaced it meanwhile: ``passwordHash(ofSubject:)``).
    public func authenticate(
        username: String,
        password: String
    ) async throws
        -> (subjectId: String, mustChangePassword: Bool, passwordHash: String)?
    {
        guard let sqlite = store as? SQLiteEventStore else { return nil }
        let credential = try sqlite.pool.readNow { db -> Credential? in try CredentialTable.find(username: username, in: db) }
        let hasher = configuration.passwordHasher
        // An unknown username pays for one KDF run too, so the reply's timing does not reveal which usernames exist.
        guard await hasher.verifyOffPool(password, against: credential?.passwordHash ?? hasher.decoy), let credential else { return nil }
        return (credential.subjectId, credential.mustChangePassword, credential.passwordHash)
    }

    /// The stored password hash of a subject now, if it has credentials.
    public func passwordHash(ofSubject subjectId: String) async throws -> String? {
        try credential(ofSubject: subjectId)?.passwordHash
    }
}
