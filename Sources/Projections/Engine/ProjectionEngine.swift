import Crypto
import EventLog
import Foundation
import GRDB
import Synchronization

/// One read model's rows as maintained by the appends, against the same read model folded again from position 0.
public struct ReadModelCheck: Sendable, Equatable {
    /// The read model.
    public var name: String
    /// The position both were compared at (the live checkpoint).
    public var checkpoint: Int64
    /// Content hash of the live tables.
    public var liveHash: String
    /// Content hash of the tables folded again.
    public var rebuiltHash: String
    /// The version of the stored rows when this build writes another one: they were not compared (the next install,
    /// e.g. `registrar serve`, rebuilds them).
    public var outdatedVersion: Int?
    /// Whether the rows are equal (an outdated read model is not compared, and is not a mismatch).
    public var matches: Bool { outdatedVersion != nil || liveHash == rebuiltHash }
    /// When they differ, the first rows that do, table by table: each only in the live tables (changed or added
    /// behind the log's back) or only in the rebuilt ones (changed or removed), by its first columns.
    public var differences: [String] = []

    /// Creates a check result.
    public init(name: String, checkpoint: Int64, liveHash: String, rebuiltHash: String, outdatedVersion: Int? = nil) {
        self.name = name
        self.checkpoint = checkpoint
        self.liveHash = liveHash
        self.rebuiltHash = rebuiltHash
        self.outdatedVersion = outdatedVersion
    }
}

/// How far a rebuild got.
public struct RebuildProgress: Sendable, Equatable {
    /// Events folded into the shadow tables so far.
    public var processed: Int64
    /// The head of the log when the rebuild started (appends made meanwhile are caught up at the swap).
    public var total: Int64
    /// Seconds since the rebuild started.
    public var elapsed: Double

    /// Events per second so far.
    public var rate: Double { elapsed > 0 ? Double(processed) / elapsed : 0 }
    /// Seconds left at the current rate, if known.
    public var eta: Double? { rate > 0 ? Double(max(0, total - processed)) / rate : nil }
}

/// What a rebuild did.
public struct RebuildReport: Sendable, Equatable {
    /// The rebuilt read models.
    public var projections: [String]
    /// Events folded (including the tail caught up under the write lock).
    public var events: Int64
    /// The checkpoint written at the swap.
    public var position: Int64
    /// Wall-clock seconds.
    public var seconds: Double
    /// Events per second.
    public var rate: Double { seconds > 0 ? Double(events) / seconds : 0 }
}

/// Why the engine refused something.
public enum ProjectionError: Error, Equatable, CustomStringConvertible, LogIntegrityViolation {
    /// No read model of that name.
    case unknownProjection(String)
    /// Another install took over the filling of this read model (this one had not renewed its lease in time).
    case fillTakenOver(String)
    /// Another rebuild or import holds the database's maintenance lock (its lock file named).
    case maintenanceInProgress(lockFile: String)
    /// The read model (first) has folded events up to `checkpoint`, but the log ends at `head`: events were cut off
    /// the end of the log after they were folded. Its rows show events the log no longer has, and the next appends
    /// would take the freed positions without ever being folded.
    case logEndsBeforeReadModel(String, checkpoint: Int64, head: Int64)
    /// The event the read model (first) last folded, at `position`, is not the one the log holds there (`missing`:
    /// the log holds none there any more): events were removed from the log, and others written in their place.
    case foldedEventReplaced(String, position: Int64, missing: Bool)

    public var description: String { description(database: nil) }

    /// True for the findings that the log lost events a read model had folded: an append that finds one fails with
    /// ``EventLogError/integrity(_:)``.
    public var isLogIntegrityViolation: Bool {
        switch self {
        case .logEndsBeforeReadModel, .foldedEventReplaced: true
        case .unknownProjection, .fillTakenOver, .maintenanceInProgress: false
        }
    }

    /// The description, its advice naming the log's file (`run `registrar verify --db PATH``) when given.
    public func description(database: String?) -> String {
        let verify = "run `registrar verify" + (database.map { " --db \($0)" } ?? "") + "`"
        return switch self {
        case .unknownProjection(let name): "no read model named \(name)"
        case .fillTakenOver(let name): "another process took over filling the read model \(name)"
        case .maintenanceInProgress(let lockFile):
            "another rebuild or import is running on this log (it holds \(lockFile)): wait for it to end, then run this again"
        case .logEndsBeforeReadModel(let name, let checkpoint, let head):
            "read model \(name) is at position \(checkpoint) but the log ends at \(head): events were removed from the log; \(verify)"
        case .foldedEventReplaced(let name, let position, let missing):
            "read model \(name) folded an event at position \(position) that the log no longer holds "
                + (missing ? "(there is no event there now)" : "(another event is there now)")
                + ": events were removed from the log and others written in their place; \(verify)"
        }
    }

    /// What ``logEndsBeforeReadModel(_:checkpoint:head:)`` and ``foldedEventReplaced(_:position:missing:)`` say about
    /// the log, as `registrar verify` reports it (nil for the other cases).
    public var logFinding: String? {
        switch self {
        case .logEndsBeforeReadModel(let name, let checkpoint, let head):
            "events were removed from the end of the log: read model \(name) folded events up to position \(checkpoint), "
                + "the log now ends at \(head) ("
                + (checkpoint == head + 1 ? "position \(checkpoint) is gone)" : "positions \(head + 1)–\(checkpoint) are gone)")
        case .foldedEventReplaced(let name, let position, let missing):
            "the event at position \(position) that read model \(name) folded is no longer in the log "
                + (missing ? "(there is no event there now)" : "(another event is there now, with another hash)")
                + ": events were removed from the log and others written in their place"
        case .unknownProjection, .fillTakenOver, .maintenanceInProgress: nil
        }
    }

    /// The read model a log finding is about.
    public var readModel: String? {
        switch self {
        case .logEndsBeforeReadModel(let name, _, _), .foldedEventReplaced(let name, _, _): name
        case .unknownProjection, .fillTakenOver, .maintenanceInProgress: nil
        }
    }
}

/// Keeps the read models up to date with the log.
///
/// - `install()` creates the tables, catches up from each checkpoint to the head (after a restart, or appends made by
///   another process without the hook), and registers the append hook: every append then updates the read models in
///   its own transaction, so a query made after a command returns sees it (read-your-writes).
/// - `rebuild(projection:progress:)` refills a read model from position 0 into shadow tables while the service keeps
///   serving and appending, then swaps them in atomically.
public final class ProjectionEngine: Sendable {
    /// The log; projections share its pool so that rows and checkpoints commit with the events.
    public let store: SQLiteEventStore
    /// Where a read model rebuilds a stream's state it no longer holds in memory: the stream's snapshot and the events
    /// after it.
    private var streamStates: FoldState.StreamStateSource {
        let store = self.store
        return { db, streamId, stateSchemaVersion, version in
            let source = try store.stateSource(db, streamId: streamId, stateSchemaVersion: stateSchemaVersion, before: version)
            return (source.snapshot?.payload, source.events)
        }
    }
    /// The maintained read models.
    public let projections: [any Projection]
    private let decoder = EventDecoder()
    /// Per read model, the rows the appends wrote lately (see ``WarmRows``).
    private let warmRows: [String: WarmRows]
    private let changeObservers = Mutex<[@Sendable (Set<String>) -> Void]>([])

    /// Creates an engine over a store. Call ``install()`` before serving.
    /// - Parameter warmRowsPerProjection: rows of each read model kept in memory between appends (about twice this).
    public init(store: SQLiteEventStore, projections: [any Projection] = Projections.all, warmRowsPerProjection: Int = 2_048) {
        self.store = store
        self.projections = projections
        warmRows = Dictionary(uniqueKeysWithValues: projections.map { ($0.name, WarmRows(capacity: warmRowsPerProjection)) })
    }

    /// `hash_position` and `hash`: the position and chain hash of the last event folded, so that a log whose events
    /// were removed and others written at the same positions is told from the log that was folded. Files written
    /// before they existed get them at the next install (``addFoldedHashColumns(_:)``).
    static let checkpointDDL = """
        CREATE TABLE IF NOT EXISTS projection_checkpoints (
            name TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            position INTEGER NOT NULL,
            hash_position INTEGER,
            hash BLOB
        ) WITHOUT ROWID
        """

    /// Whether the checkpoints table has the folded event's hash (files of earlier builds have not, until an install).
    static func hasFoldedHashColumns(_ db: Database) throws -> Bool {
        try db.columns(in: "projection_checkpoints").contains { $0.name == "hash" }
    }

    /// Adds the folded event's position and hash to a checkpoints table of an earlier build, and records, for a read
    /// model that has none yet, the hash the log holds at its checkpoint (from then on a replaced event is noticed).
    static func addFoldedHashColumns(_ db: Database) throws {
        if try !hasFoldedHashColumns(db) {
            try db.execute(sql: "ALTER TABLE projection_checkpoints ADD COLUMN hash_position INTEGER")
            try db.execute(sql: "ALTER TABLE projection_checkpoints ADD COLUMN hash BLOB")
        }
        try db.execute(
            sql: """
                UPDATE projection_checkpoints
                SET hash_position = position, hash = (SELECT hash FROM events WHERE events.position = projection_checkpoints.position)
                WHERE hash_position IS NULL AND version >= 0
                    AND EXISTS (SELECT 1 FROM events WHERE events.position = projection_checkpoints.position)
                """
        )
    }

    // MARK: Install and catch-up

    /// Creates missing tables (and refills a read model whose stored version differs), catches up to the head, and
    /// registers the append hook.
    ///
    /// A new read model, or a new version of one, is filled stream by stream as ``rebuild(projection:batchSize:progress:)``
    /// folds (each row written once, indexes built at the end), not in position order, which wrote and reloaded each
    /// file many times (36 s against 17 s for a 253,000-event season). While it fills, its checkpoint row says so
    /// (version -1 at the largest position): another process's engine folds nothing into it, and an install after a
    /// crash starts it again.
    ///
    /// Only one install fills a read model at a time: the filler holds a lease (`projection_fills`: its process id and
    /// a heartbeat renewed by every batch). Another install waits while the lease is live, and takes the fill over when
    /// the heartbeat is older than `fillLeaseTimeout` seconds or the owner's process no longer exists (a crash).
    ///
    /// Refuses (``ProjectionError/logEndsBeforeReadModel(_:checkpoint:head:)``,
    /// ``ProjectionError/foldedEventReplaced(_:position:missing:)``) a log that lost events a read model had folded:
    /// catching up would fold the events written in their place onto rows of the removed ones, or none at all.
    /// - Parameter rebuilding: read models a rebuild is about to replace: a log that lost events they had folded is
    ///   not refused for them, and they are left as they are (not caught up).
    public func install(batchSize: Int = 20_000, fillLeaseTimeout: Double = 30, rebuilding: Set<String> = []) throws {
        for warm in warmRows.values { warm.removeAll() }
        // Shadow tables while no rebuild holds the maintenance lock are an interrupted rebuild's (`kill -9`): dropped,
        // or they would sit in the file, tens of megabytes of a season, until the next rebuild.
        if let lock = try? MaintenanceLock(databasePath: store.path) {
            defer { lock.release() }
            try store.pool.write { db in
                for projection in projections { try Self.drop(projection, .shadow, db) }
            }
        }
        let owner = UUID().uuidString
        while true {
            let (fresh, awaited, head) = try store.pool.write { db -> ([any Projection], [String], Int64) in
                try db.execute(sql: Self.checkpointDDL)
                try db.execute(sql: Self.fillsDDL)
                try Self.addFoldedHashColumns(db)
                var fresh = [any Projection]()
                var awaited = [String]()
                for projection in projections {
                    let storedVersion = try Self.storedVersion(projection.name, db)
                    if storedVersion == projection.version { continue }
                    if storedVersion == Self.fillingVersion,
                        try Self.fillLease(projection.name, db)?.isLive(timeout: fillLeaseTimeout) == true
                    {
                        awaited.append(projection.name)
                        continue
                    }
                    // A new read model, or a new version of one: start from scratch (tables are disposable).
                    for table in projection.retiredTables { try db.execute(sql: "DROP TABLE IF EXISTS \(table)") }
                    try Self.drop(projection, .live, db)
                    try Self.drop(projection, .shadow, db)
                    for statement in projection.createTables(.live) { try db.execute(sql: statement) }
                    try Self.markFilling(projection, db)
                    try Self.takeFillLease(projection.name, owner: owner, db)
                    fresh.append(projection)
                }
                return (fresh, awaited, try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM events") ?? 0)
            }
            if !fresh.isEmpty { try fill(fresh, upTo: head, batchSize: batchSize, owner: owner) }
            if awaited.isEmpty { break }
            // Another process is filling: wait for it to finish (or to stop renewing its lease, then take over).
            Thread.sleep(forTimeInterval: 0.05)
        }
        let problems = try logProblems()
        if let refused = problems.first(where: { !rebuilding.contains($0.readModel ?? "") }) { throw refused }
        try catchUp(skipping: Set(problems.compactMap(\.readModel)))
        store.setAfterAppendHook { [self] db, written in try self.afterAppend(db, written) }
    }

    /// Folds the log up to `head` into the empty live tables of `fresh`, stream by stream, then builds their indexes
    /// and sets their checkpoints at `head`. Every batch first renews the fill's lease; a read model whose lease was
    /// taken over is left to its new filler (or, if that one has already finished, is done).
    private func fill(_ fresh: [any Projection], upTo head: Int64, batchSize: Int, owner: String) throws {
        let ranges = Self.batches(of: try store.pool.read { db in try SQLiteEventStore.streamCounts(db, upTo: head) }, size: batchSize)
        var filling = zip(fresh, fresh.map { _ in FoldState() }).map { (projection: $0, state: $1) }
        func renewLeases(_ db: Database) throws {
            filling = try filling.filter { entry in
                if try Self.renewFillLease(entry.projection.name, owner: owner, db) { return true }
                guard try Self.storedVersion(entry.projection.name, db) == entry.projection.version else {
                    throw ProjectionError.fillTakenOver(entry.projection.name)
                }
                return false
            }
        }
        for range in ranges {
            let batch = try decoder.decode(
                try store.pool.read { db in try SQLiteEventStore.readStreams(db, from: range.first, through: range.last, upTo: head) }
            )
            try store.pool.write { db in
                try renewLeases(db)
                for (projection, state) in filling {
                    try projection.apply(batch, db: db, tables: .live, state: state)
                    try projection.flush(db: db, tables: .live, state: state)
                    state.evict()
                }
            }
            if filling.isEmpty { return }
        }
        try store.pool.write { db in
            try renewLeases(db)
            for (projection, _) in filling {
                for statement in projection.createIndexes(.live) { try db.execute(sql: statement) }
                try Self.setCheckpoint(projection, head, hash: try Self.hash(at: head, db), db)
                try db.execute(sql: "DELETE FROM projection_fills WHERE name = ?", arguments: [projection.name])
            }
        }
    }

    /// The version a checkpoint row has while its read model is being filled.
    static let fillingVersion = -1
    /// The position a checkpoint row has while its read model is being filled (past every event).
    static let fillingPosition = Int64.max

    static let fillsDDL = """
        CREATE TABLE IF NOT EXISTS projection_fills (
            name TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            owner_pid INTEGER NOT NULL,
            heartbeat_at REAL NOT NULL
        ) WITHOUT ROWID
        """

    /// Who fills a read model, and when they last said so.
    struct FillLease {
        var owner: String
        var ownerPID: Int32
        var heartbeatAt: Double

        /// Renewed within `timeout` seconds by a process that still exists. (SQLite's WAL mode shares memory between
        /// the processes of a database, so they are all on this machine and a process id means the same here.)
        func isLive(timeout: Double, now: Double = Date().timeIntervalSince1970) -> Bool {
            guard now - heartbeatAt < timeout else { return false }
            return kill(ownerPID, 0) == 0 || errno == EPERM
        }
    }

    static func fillLease(_ name: String, _ db: Database) throws -> FillLease? {
        try Row.fetchOne(db, sql: "SELECT owner, owner_pid, heartbeat_at FROM projection_fills WHERE name = ?", arguments: [name]).map {
            FillLease(owner: $0["owner"], ownerPID: $0["owner_pid"], heartbeatAt: $0["heartbeat_at"])
        }
    }

    static func takeFillLease(_ name: String, owner: String, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO projection_fills (name, owner, owner_pid, heartbeat_at) VALUES (?, ?, ?, ?)",
            arguments: [name, owner, Int64(getpid()), Date().timeIntervalSince1970]
        )
    }

    /// Moves the heartbeat on if `owner` still holds the lease; false if it does not.
    static func renewFillLease(_ name: String, owner: String, _ db: Database) throws -> Bool {
        try db.execute(
            sql: "UPDATE projection_fills SET heartbeat_at = ? WHERE name = ? AND owner = ?",
            arguments: [Date().timeIntervalSince1970, name, owner]
        )
        return db.changesCount == 1
    }

    static func storedVersion(_ name: String, _ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT version FROM projection_checkpoints WHERE name = ?", arguments: [name])
    }

    /// Marks a read model as being filled: no engine folds into it (its position is past every event), and its
    /// version is none that code has, so the next install starts it again if this one does not finish.
    static func markFilling(_ projection: any Projection, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO projection_checkpoints (name, version, position, hash_position, hash) VALUES (?, ?, ?, NULL, NULL)
                ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position,
                    hash_position = NULL, hash = NULL
                """,
            arguments: [projection.name, fillingVersion, fillingPosition]
        )
    }

    /// Registers a function called, on the writer's thread, after each commit that folded events into the read
    /// models, with what the flushes noted as changed (e.g. a line of a site's queue,
    /// ``ReviewComparisonProjection/queueChange(site:line:)``), before the appends' callers resume. Caches of query
    /// results use it to drop only what changed.
    public func addChangeObserver(_ observer: @escaping @Sendable (Set<String>) -> Void) {
        changeObservers.withLock { $0.append(observer) }
    }

    /// Stops updating the read models on append (their checkpoints stay where they are).
    public func detach() {
        store.setAfterAppendHook(nil)
    }

    /// Folds every event after each checkpoint into the live tables, in batches (one transaction each). Returns the
    /// number of events read.
    /// - Parameter skipping: read models left as they are (a rebuild replaces them).
    @discardableResult
    public func catchUp(batchSize: Int = 5_000, skipping: Set<String> = []) throws -> Int {
        var total = 0
        while true {
            let count = try store.pool.write { db -> Int in
                let checkpoints = try Self.checkpoints(db)
                let from = projections.filter { !skipping.contains($0.name) }.map { checkpoints[$0.name] ?? 0 }.min() ?? 0
                let events = try SQLiteEventStore.readAll(db, after: from, limit: batchSize)
                Self.register(afterTransaction(try apply(events, checkpoints: checkpoints, db: db, skipping: skipping)), db)
                return events.count
            }
            total += count
            if count < batchSize { return total }
        }
    }

    /// Runs inside every append transaction, after the events are written; the committer runs what it returns once
    /// the transaction has ended (rather than a GRDB transaction observer, which costs every later statement of
    /// the writer a call into its observation broker).
    private func afterAppend(_ db: Database, _ written: [RecordedEvent]) throws -> AfterTransaction? {
        guard let first = written.first else { return nil }
        let checkpoints = try Self.checkpoints(db)
        // A read model already past the new events folded others at these positions, which the log no longer has:
        // folding nothing would leave the new events out of it for good, so the append fails instead.
        for projection in projections {
            guard let checkpoint = checkpoints[projection.name], checkpoint >= first.position, checkpoint != Self.fillingPosition else {
                continue
            }
            throw ProjectionError.logEndsBeforeReadModel(projection.name, checkpoint: checkpoint, head: first.position - 1)
        }
        let from = projections.map { checkpoints[$0.name] ?? 0 }.min() ?? 0
        if from >= first.position - 1 { return afterTransaction(try apply(written, checkpoints: checkpoints, db: db)) }
        // Another process appended without the hook: fold its events first, inside this transaction.
        var changes = Set<String>()
        var position = from
        while true {
            let events = try SQLiteEventStore.readAll(db, after: position, limit: 5_000)
            guard let last = events.last else { break }
            changes.formUnion(try apply(events, checkpoints: try Self.checkpoints(db), db: db))
            position = last.position
        }
        return afterTransaction(changes)
    }

    /// Folds events into every projection whose checkpoint is below them, moves the checkpoints, and returns what the
    /// flushes noted as changed. The rows flushed are remembered (``WarmRows``) only if the transaction commits: the
    /// caller runs ``afterTransaction(_:)``'s callbacks once it has ended. A fold that fails forgets what it staged
    /// before it throws.
    private func apply(
        _ events: [RecordedEvent],
        checkpoints: [String: Int64],
        db: Database,
        skipping: Set<String> = []
    ) throws -> Set<String> {
        guard let last = events.last else { return [] }
        do {
            let decoded = try decoder.decode(events)
            var changes = Set<String>()
            for projection in projections {
                let checkpoint = checkpoints[projection.name] ?? 0
                guard checkpoint < last.position, !skipping.contains(projection.name) else { continue }
                let slice = checkpoint < events[0].position ? decoded : decoded.filter { $0.position > checkpoint }
                let state = FoldState(warm: warmRows[projection.name], streams: streamStates)
                try projection.apply(slice, db: db, tables: .live, state: state)
                try projection.flush(db: db, tables: .live, state: state)
                try Self.setCheckpoint(projection, last.position, hash: last.hash, db)
                changes.formUnion(state.changes)
            }
            return changes
        } catch {
            for rows in warmRows.values { rows.discardStaged() }
            throw error
        }
    }

    /// Remembers the staged rows and tells the change observers on commit; forgets the staged rows on rollback.
    private func afterTransaction(_ changes: Set<String>) -> AfterTransaction {
        let warm = Array(warmRows.values)
        let observers = changeObservers.withLock { $0 }
        return AfterTransaction(
            committed: {
                for rows in warm { rows.commitStaged() }
                for observer in observers { observer(changes) }
            },
            rolledBack: { for rows in warm { rows.discardStaged() } }
        )
    }

    /// Runs `afterTransaction` when the current transaction ends (writes outside the append hook).
    private static func register(_ afterTransaction: AfterTransaction, _ db: Database) {
        db.afterNextTransaction(onCommit: { _ in afterTransaction.committed() }, onRollback: { _ in afterTransaction.rolledBack() })
    }

    // MARK: Rebuild

    /// Rebuilds read models (one by name, or all of them when `projection` is nil) from position 0.
    ///
    /// Every event up to the head as the rebuild starts is folded stream by stream: batches of whole streams (every
    /// row of a read model belongs to one stream), each batch's events in position order, folded and written into
    /// shadow tables in a short write transaction, so the service keeps serving and appending. Each row is written
    /// once, and memory holds one batch: a season's streams interleave over months, so folding in position order
    /// either kept every file in memory or wrote and reloaded each one many times (a 200,000-candidate log rebuilt
    /// 3 × slower per event than a 2,000-candidate one). Then, under the write lock, the events appended meanwhile are
    /// folded in position order (their rows loaded back from the shadow tables), the indexes are built, and the live
    /// tables are replaced by the shadow ones with the new checkpoint, in one transaction. Cancelling the task drops
    /// the shadow tables and leaves the live ones untouched.
    /// - Parameters:
    ///   - batchSize: events per read and per write transaction (a batch holds whole streams, so it may hold more).
    ///     A batch's rows land all over the position-keyed audit tables, so each transaction rewrites pages that
    ///     earlier ones wrote: fewer, larger batches write each page fewer times (100,000 against 20,000: a
    ///     640,000-event log rebuilt 23 % faster), for ~2 × 100 MB of decoded events in memory.
    ///   - writeChunk: events folded per write transaction within a batch: how long the service's appends may wait.
    @discardableResult
    public func rebuild(
        projection name: String? = nil,
        batchSize: Int = 100_000,
        writeChunk: Int = 10_000,
        progress: (@Sendable (RebuildProgress) -> Void)? = nil
    ) async throws -> RebuildReport {
        let selected: [any Projection]
        if let name {
            guard let projection = projections.first(where: { $0.name == name }) else { throw ProjectionError.unknownProjection(name) }
            selected = [projection]
        } else {
            selected = projections
        }
        let started = ContinuousClock.now
        func seconds() -> Double {
            let elapsed = ContinuousClock.now - started
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        // One rebuild at a time: a second would drop and refill the shadow tables this one fills, and one of the two
        // would then swap in tables it did not fill (empty ones, with a checkpoint at the head).
        guard let lock = try MaintenanceLock(databasePath: store.path) else {
            throw ProjectionError.maintenanceInProgress(lockFile: MaintenanceLock.lockPath(forDatabase: store.path))
        }
        defer { lock.release() }
        let states = selected.map { _ in FoldState() }
        let previousCacheSize = try await store.pool.write { db -> Int in
            // A larger page cache for the writer while shadow tables fill: fewer pages re-read and re-written.
            let previous = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -131072")
            try db.execute(sql: Self.checkpointDDL)
            try db.execute(sql: Self.fillsDDL)
            try Self.addFoldedHashColumns(db)
            for projection in selected {
                try Self.drop(projection, .shadow, db)
                for statement in projection.createTables(.shadow) { try db.execute(sql: statement) }
            }
            return previous
        }
        let pool = store.pool
        defer {
            Task { try? await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = \(previousCacheSize)") } }
        }
        let decoder = self.decoder
        do {
            let total = try await store.headPosition()
            var processed: Int64 = 0
            try await Self.foldByStream(pool: pool, decoder: decoder, upTo: total, batchSize: batchSize) { batch in
                // A batch is folded in write transactions of at most `writeChunk` events, then flushed in one more:
                // the server's appends wait for the write lock between them, a fraction of a second at most, instead
                // of for a whole batch (1–2 s for 40,000 events, more for a season's 100,000).
                var start = 0
                while start < batch.count {
                    try Task.checkCancellation()
                    let chunk = batch[start..<min(start + writeChunk, batch.count)]
                    try await pool.write { db in
                        try Self.withFastDelete(db) {
                            for (projection, state) in zip(selected, states) {
                                try projection.apply(Array(chunk), db: db, tables: .shadow, state: state)
                            }
                        }
                    }
                    start += writeChunk
                    // A moment without the write lock, for the appends waiting on it (they try again every 2 ms).
                    try await Task.sleep(for: .milliseconds(5))
                }
                try await pool.write { db in
                    try Self.withFastDelete(db) {
                        for (projection, state) in zip(selected, states) {
                            try projection.flush(db: db, tables: .shadow, state: state)
                            state.evict()
                        }
                    }
                }
                processed += Int64(batch.count)
                progress?(RebuildProgress(processed: processed, total: total, elapsed: seconds()))
            }
            try Task.checkCancellation()
            let shadowPosition = total
            // Under the write lock: the tail, then drop, rename and index, and the checkpoints, in one transaction.
            @Sendable func swap(_ db: Database) throws -> (Int64, Int64) {
                var position = shadowPosition
                var count: Int64 = 0
                while true {
                    let tail = try SQLiteEventStore.readAll(db, after: position, limit: batchSize)
                    guard let last = tail.last else { break }
                    let decoded = try decoder.decode(tail)
                    for (projection, state) in zip(selected, states) { try projection.apply(decoded, db: db, tables: .shadow, state: state) }
                    count += Int64(tail.count)
                    position = last.position
                }
                for (projection, state) in zip(selected, states) { try projection.flush(db: db, tables: .shadow, state: state) }
                for projection in selected {
                    try Self.drop(projection, .live, db)
                    for table in projection.tables {
                        try db.execute(sql: "ALTER TABLE \(TableNames.shadow(table)) RENAME TO \(TableNames.live(table))")
                    }
                    for statement in projection.createIndexes(.live) { try db.execute(sql: statement) }
                    try Self.setCheckpoint(projection, position, hash: try Self.hash(at: position, db), db)
                    // An install filling the same read model meanwhile finds it done and stops.
                    try db.execute(sql: "DELETE FROM projection_fills WHERE name = ?", arguments: [projection.name])
                }
                return (position, count)
            }
            let (finalPosition, tailCount) = try await pool.write { db -> (Int64, Int64) in
                try Self.withFastDelete(db) { try swap(db) }
            }
            processed += tailCount
            // The live rows are now the rebuilt ones (equal by construction, but nothing is assumed).
            for projection in selected { warmRows[projection.name]?.removeAll() }
            progress?(RebuildProgress(processed: processed, total: max(total, finalPosition), elapsed: seconds()))
            return RebuildReport(projections: selected.map(\.name), events: processed, position: finalPosition, seconds: seconds())
        } catch {
            // In a task of its own: a cancelled task must still clean up.
            await Task {
                try? await pool.write { db in
                    for projection in selected { try Self.drop(projection, .shadow, db) }
                }
            }.value
            throw error
        }
    }

    /// Reads every event up to position `head` in batches of whole streams, each batch in position order, decoded,
    /// and hands them to `fold` one after the other; the next batch is read and decoded while `fold` runs.
    static func foldByStream(
        pool: DatabasePool,
        decoder: EventDecoder,
        upTo head: Int64,
        batchSize: Int,
        _ fold: ([DecodedEvent]) async throws -> Void
    ) async throws {
        // Streams and their event counts, in stream id order, from the (stream_id, stream_version) index.
        let ranges = batches(of: try await pool.read { db in try SQLiteEventStore.streamCounts(db, upTo: head) }, size: batchSize)
        @Sendable func read(_ range: (first: String, last: String)) async throws -> [DecodedEvent] {
            let batch = try await pool.read { db in
                try SQLiteEventStore.readStreams(db, from: range.first, through: range.last, upTo: head)
            }
            return try decoder.decode(batch)
        }
        guard let first = ranges.first else { return }
        var next = try await read(first)
        for index in ranges.indices {
            let current = next
            let upcoming: Task<[DecodedEvent], Error>? =
                index + 1 < ranges.count ? Task { [range = ranges[index + 1]] in try await read(range) } : nil
            do {
                try await fold(current)
            } catch {
                upcoming?.cancel()
                throw error
            }
            if let upcoming { next = try await upcoming.value }
        }
    }

    /// Consecutive runs of whole streams (first and last stream id) of at least `size` events each, the last run
    /// holding what is left.
    static func batches(of streams: [(streamId: String, events: Int)], size: Int) -> [(first: String, last: String)] {
        var ranges = [(first: String, last: String)]()
        var start = 0
        var events = 0
        for (index, stream) in streams.enumerated() {
            events += stream.events
            if events >= size || index == streams.count - 1 {
                ranges.append((streams[start].streamId, stream.streamId))
                start = index + 1
                events = 0
            }
        }
        return ranges
    }

    // MARK: Verification

    /// Folds read models from position 0 into a scratch database and compares their rows with the live tables by
    /// content hash, each at its live checkpoint: rebuilt rows must equal the rows the appends maintained. Only reads
    /// the log's file (`registrar verify` opens it read-only); the scratch file is deleted afterwards.
    /// - Parameter skipping: read models not compared (those ``logProblems()`` names: their rows are known not to
    ///   be the log's).
    public func verifyAgainstRebuild(
        scratchDirectory: URL = FileManager.default.temporaryDirectory,
        batchSize: Int = 20_000,
        skipping: Set<String> = []
    )
        async throws -> [ReadModelCheck]
    {
        let (live, outdated) = try await store.pool.read { db -> ([(any Projection, Int64, String)?], [ReadModelCheck]) in
            guard try db.tableExists("projection_checkpoints") else { return ([], []) }
            let stored = Dictionary(
                try Row.fetchAll(db, sql: "SELECT name, position, version FROM projection_checkpoints").map {
                    ($0[0] as String, (checkpoint: $0[1] as Int64, version: $0[2] as Int))
                },
                uniquingKeysWith: { _, last in last }
            )
            var outdated = [ReadModelCheck]()
            let live = try projections.filter { !skipping.contains($0.name) }.map { projection -> (any Projection, Int64, String)? in
                // A read model being filled (version -1) has no rows to compare yet: like a missing one, it is skipped.
                guard let (checkpoint, version) = stored[projection.name], version >= 0,
                    try projection.tables.allSatisfy({ try db.tableExists(TableNames.live($0)) })
                else { return nil }
                guard version == projection.version else {
                    outdated.append(
                        ReadModelCheck(name: projection.name, checkpoint: checkpoint, liveHash: "", rebuiltHash: "", outdatedVersion: version)
                    )
                    return nil
                }
                return (projection, checkpoint, try Self.contentHash(projection, db: db))
            }
            return (live, outdated)
        }
        var checks = outdated
        for case let (projection, checkpoint, liveHash)? in live {
            let path = scratchDirectory.appendingPathComponent("registrar-verify-\(projection.name)-\(UUID().uuidString).sqlite").path
            defer {
                for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let scratch = try DatabaseQueue(path: path)
            try await scratch.write { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF")
                for statement in projection.createTables(.live) { try db.execute(sql: statement) }
            }
            let state = FoldState()
            try await Self.foldByStream(pool: store.pool, decoder: decoder, upTo: checkpoint, batchSize: batchSize) { batch in
                try await scratch.write { db in
                    try projection.apply(batch, db: db, tables: .live, state: state)
                    try projection.flush(db: db, tables: .live, state: state)
                    state.evict()
                }
            }
            let rebuiltHash = try await scratch.read { db in try Self.contentHash(projection, db: db) }
            var check = ReadModelCheck(name: projection.name, checkpoint: checkpoint, liveHash: liveHash, rebuiltHash: rebuiltHash)
            if !check.matches {
                check.differences = try await scratch.writeWithoutTransaction { db in
                    try Self.differingRows(projection, rebuilt: db, livePath: store.path)
                }
            }
            try scratch.close()
            checks.append(check)
        }
        return checks
    }

    // MARK: Inspection

    /// Where a read model stands against the log (see ``status(_:)``).
    public enum ReadModelStatus: Sendable, Equatable {
        /// Its tables are not in the file.
        case notInstalled
        /// An install is filling it.
        case filling
        /// Its tables are of another version than this build's (the stored one).
        case outdated(storedVersion: Int)
        /// Installed, but events after its checkpoint are not folded in yet.
        case behind(checkpoint: Int64, head: Int64)
        /// Its checkpoint is past the log's last event: events it folded were cut off the end of the log. Never
        /// current: its rows show events the log no longer has.
        case pastHead(checkpoint: Int64, head: Int64)
        /// The event it folded at `position` is not the one the log holds there (`missing`: the log holds none there):
        /// events were removed from the log and others written in their place. Never current.
        case foldedEventReplaced(position: Int64, missing: Bool)
        /// Installed and caught up with the log: its rows can be read as they are.
        case current
    }

    /// Where a read model stands, read in one transaction without writing anything (the store may be read-only).
    public func status(_ name: String) throws -> ReadModelStatus {
        guard let projection = projections.first(where: { $0.name == name }) else { throw ProjectionError.unknownProjection(name) }
        return try store.pool.read { db in try Self.status(projection, db) }
    }

    static func status(_ projection: any Projection, _ db: Database) throws -> ReadModelStatus {
        guard try db.tableExists("projection_checkpoints") else { return .notInstalled }
        let hashed = try hasFoldedHashColumns(db)
        guard
            let row = try Row.fetchOne(
                db,
                sql: hashed
                    ? "SELECT version, position, hash_position, hash FROM projection_checkpoints WHERE name = ?"
                    : "SELECT version, position, NULL, NULL FROM projection_checkpoints WHERE name = ?",
                arguments: [projection.name]
            ),
            try projection.tables.allSatisfy({ try db.tableExists(TableNames.live($0)) })
        else { return .notInstalled }
        let version: Int = row[0]
        let checkpoint: Int64 = row[1]
        if version == fillingVersion { return .filling }
        if version != projection.version { return .outdated(storedVersion: version) }
        let head = try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM events") ?? 0
        if checkpoint > head { return .pastHead(checkpoint: checkpoint, head: head) }
        if let hashPosition = row[2] as Int64?, let folded = row[3] as Data? {
            let inLog = try hash(at: hashPosition, db)
            if inLog != folded { return .foldedEventReplaced(position: hashPosition, missing: inLog == nil) }
        }
        return checkpoint < head ? .behind(checkpoint: checkpoint, head: head) : .current
    }

    /// The read models whose checkpoint shows that the log lost events they had folded: cut off its end
    /// (``ProjectionError/logEndsBeforeReadModel(_:checkpoint:head:)``), or removed with others written in their
    /// place (``ProjectionError/foldedEventReplaced(_:position:missing:)``). Read in one transaction without writing
    /// (the store may be read-only); a few indexed reads, so every command that reads or maintains the read models
    /// asks first.
    public func logProblems() throws -> [ProjectionError] {
        try store.pool.read { db in
            try projections.compactMap { projection -> ProjectionError? in
                switch try Self.status(projection, db) {
                case .pastHead(let checkpoint, let head):
                    .logEndsBeforeReadModel(projection.name, checkpoint: checkpoint, head: head)
                case .foldedEventReplaced(let position, let missing):
                    .foldedEventReplaced(projection.name, position: position, missing: missing)
                case .notInstalled, .filling, .outdated, .behind, .current: nil
                }
            }
        }
    }

    /// The checkpoint of a read model (0 when it has none).
    public func checkpoint(_ name: String) throws -> Int64 {
        try store.pool.read { db in try Self.checkpoints(db)[name] ?? 0 }
    }

    /// A SHA-256 (hex) of every row of a read model's live tables, in a total order: equal hashes mean equal rows.
    public func contentHash(_ name: String) throws -> String {
        guard let projection = projections.first(where: { $0.name == name }) else { throw ProjectionError.unknownProjection(name) }
        return try store.pool.read { db in try Self.contentHash(projection, db: db) }
    }

    /// The first rows (up to `limit` each way, per table) that differ between the rebuilt tables (`rebuilt`'s) and
    /// the live ones (the file at `livePath`, attached and only read), described by their first columns.
    static func differingRows(_ projection: any Projection, rebuilt db: Database, livePath: String, limit: Int = 3) throws -> [String] {
        try db.execute(sql: "ATTACH DATABASE ? AS log_file", arguments: [livePath])
        defer { try? db.execute(sql: "DETACH DATABASE log_file") }
        var lines = [String]()
        for table in projection.tables {
            let physical = TableNames.live(table)
            let columns = try Row.fetchAll(db, sql: "PRAGMA main.table_info(\(physical))").map { $0["name"] as String }
            let shown = columns.prefix(3)
            func describe(_ row: Row) -> String {
                shown.map { name in
                    let value = row[name] as DatabaseValue
                    let text: String
                    switch value.storage {
                    case .null: text = "NULL"
                    case .int64(let number): text = String(number)
                    case .double(let number): text = String(number)
                    case .string(let string): text = string.count > 40 ? String(string.prefix(40)) + "…" : string
                    case .blob(let bytes): text = "<\(bytes.count) bytes>"
                    }
                    return "\(name)=\(text)"
                }.joined(separator: ", ")
            }
            for (from, other, what) in [
                ("log_file", "main", "only in the live rows (changed or added behind the log's back)"),
                ("main", "log_file", "only in the rows rebuilt from the log (changed or removed in the live rows)"),
            ] {
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM \(from).\(physical) EXCEPT SELECT * FROM \(other).\(physical) LIMIT \(limit)"
                )
                lines += rows.map { "\(table) row \(describe($0)): \(what)" }
            }
        }
        return lines
    }

    /// The hash of a projection's tables as seen by `db`.
    public static func contentHash(_ projection: any Projection, db: Database, tables names: TableNames = .live) throws -> String {
        var hasher = SHA256()
        for table in projection.tables {
            let physical = names(table)
            let columnCount = try Row.fetchAll(db, sql: "PRAGMA table_info(\(physical))").count
            hasher.update(data: Data("table \(table) \(columnCount)\n".utf8))
            let order = (1...max(1, columnCount)).map(String.init).joined(separator: ", ")
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(physical) ORDER BY \(order)")
            while let row = try rows.next() {
                for value in row.databaseValues {
                    switch value.storage {
                    case .null: hasher.update(data: Data([0]))
                    case .int64(let number): hasher.update(data: Data("i\(number);".utf8))
                    case .double(let number): hasher.update(data: Data("d\(number);".utf8))
                    case .string(let text):
                        hasher.update(data: Data("s\(text.utf8.count):".utf8))
                        hasher.update(data: Data(text.utf8))
                    case .blob(let bytes):
                        hasher.update(data: Data("b\(bytes.count):".utf8))
                        hasher.update(data: bytes)
                    }
                }
                hasher.update(data: Data([10]))
            }
        }
        return Data(hasher.finalize()).hexString
    }

    // MARK: Helpers

    static func checkpoints(_ db: Database) throws -> [String: Int64] {
        var result = [String: Int64]()
        let statement = try db.cachedStatement(sql: "SELECT name, position FROM projection_checkpoints")
        let rows = try Row.fetchCursor(statement)
        while let row = try rows.next() { result[row[0]] = row[1] }
        return result
    }

    /// Moves a read model's checkpoint to `position`, recording the chain hash of the event there (nil: none, at 0).
    static func setCheckpoint(_ projection: any Projection, _ position: Int64, hash: Data?, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO projection_checkpoints (name, version, position, hash_position, hash) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position,
                    hash_position = excluded.hash_position, hash = excluded.hash
                """
        )
        try statement.execute(arguments: [projection.name, projection.version, position, hash == nil ? nil : position, hash])
    }

    /// The chain hash of the event at `position` (nil: none there).
    static func hash(at position: Int64, _ db: Database) throws -> Data? {
        try Data.fetchOne(db, sql: "SELECT hash FROM events WHERE position = ?", arguments: [position])
    }

    /// Runs `body` with `PRAGMA secure_delete = FAST`, then restores the setting.
    ///
    /// The system SQLite is built with secure delete on: every page a `DROP TABLE` frees is zeroed and written, which
    /// made dropping the old tables at the swap cost as much as writing them. A read model holds nothing the log does
    /// not (and the log is never deleted from), so rebuild writes skip that extra I/O; `FAST` still zeroes deleted
    /// content on pages that are written anyway. Appends and other writers keep the connection's own setting.
    static func withFastDelete<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let previous = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 1
        try db.execute(sql: "PRAGMA secure_delete = FAST")
        defer { try? db.execute(sql: "PRAGMA secure_delete = \(["OFF", "ON", "FAST"][min(max(previous, 0), 2)])") }
        return try body()
    }

    static func drop(_ projection: any Projection, _ names: TableNames, _ db: Database) throws {
        for table in projection.tables { try db.execute(sql: "DROP TABLE IF EXISTS \(names(table))") }
    }
}
