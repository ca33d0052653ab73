import Foundation
import GRDB
import Synchronization

/// The event log in one SQLite file (WAL mode) through GRDB.
///
/// Durability is explicit: `synchronous=FULL` by default, so an acknowledged append survives a crash of the process
/// and of the machine. Appends go through a group committer: concurrent appends share one transaction and one
/// fsync, yet each gets its own result or error.
public final class SQLiteEventStore: EventStore, SnapshotStore {
    /// How hard SQLite works to keep a commit.
    public enum Durability: String, Sendable, CaseIterable {
        /// fsync the WAL at every commit: survives power loss. The default.
        case full = "FULL"
        /// fsync at checkpoints only: survives a process crash, may lose the last commits on power loss.
        case normal = "NORMAL"
    }

    /// Store settings.
    public struct Options: Sendable {
        /// SQLite `synchronous` setting.
        public var durability: Durability = .full
        /// Most appends gathered into one transaction.
        public var maximumBatch: Int = 512
        /// How often live subscriptions look for appends made by other processes.
        public var pollInterval: Duration = .milliseconds(250)
        /// How long a live subscription waits on a quiet log before it reports ``LiveItem/idle`` (the server then
        /// writes to its client, and finds a client that went away: its feed's slot is free again that soon).
        public var idleInterval: Duration = .seconds(5)
        /// Open read-only (verify, export, queries); appends then fail.
        public var readOnly = false
        /// How often a thread of the store's own copies the WAL into the database file (a `PASSIVE` checkpoint,
        /// which waits for no one), so that commits rarely do. nil: SQLite's automatic checkpoint alone, run by the
        /// commit that finds 1,000 pages in the WAL.
        public var checkpointInterval: Duration? = .milliseconds(50)
        /// With the checkpoint thread: the WAL pages at which a commit still checkpoints, copying what the thread
        /// has not yet. A WAL starts over only when a writer finds it wholly copied, which a thread running beside
        /// a busy writer never sees: without this the WAL grows without end under a steady load. Each such
        /// checkpoint holds every append (it syncs the database file): at 16,000 pages (a WAL of ~64 MB) instead of
        /// 4,000 the HTTP writes ran 12–19 % faster.
        public var writerCheckpointPages: Int = 16_000
        /// How long an idle read connection keeps its read transaction open, to serve the next read from it while
        /// nothing has been committed to the log since (which saves the locking of a new transaction: ~2.5 µs of a
        /// 14 µs snapshot load). A kept transaction keeps its pages of the WAL from being overwritten, so this is
        /// short. nil: every read is a transaction of its own.
        public var readTransactionHold: Duration? = .milliseconds(5)

        /// Default options.
        public init() {}
    }

    /// The GRDB pool; projections share it so that their rows and checkpoints commit with the events.
    public let pool: DatabasePool
    /// The file's path.
    public let path: String
    let notifier: HeadNotifier
    private let options: Options
    private let committer: GroupCommitter
    private let codecs = Mutex<[Int64: ZstdCodec]>([:])
    private let plainCodec = ZstdCodec(level: 3, dictionary: nil)
    private let reads: ReadConnections
    private let checkpointer: BackgroundCheckpointer?
    // The dictionary new snapshots are compressed with, looked up again after a while in case another process
    // (`registrar snapshot --train-dictionary`) trained a newer one.
    private let currentDictionary = Mutex<(id: Int64?, checkedAt: ContinuousClock.Instant)?>(nil)
    private let undecompressedSnapshots = Atomic<Int>(0)

    /// How a connection waits for another process's write lock (a rebuild's, an import's): it tries again every 2 ms,
    /// for up to 10 s. SQLite's own timeout sleeps ever longer, up to 100 ms between tries, and so missed the short
    /// gaps a rebuild leaves between its write transactions: a server's append waited out several of them (1–2 s).
    static let busyMode = Database.BusyMode.callback { tries in
        guard tries < 5_000 else { return false }
        usleep(2_000)
        return true
    }

    /// Opens (creating if needed) the log at `path` and brings its schema up to date.
    public init(path: String, options: Options = Options()) throws {
        self.path = path
        self.options = options
        var configuration = Configuration()
        configuration.readonly = options.readOnly
        configuration.busyMode = Self.busyMode
        configuration.label = "registrar.eventlog"
        // As the plain read connections: map the file rather than copy each page through a 2 MB cache.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA mmap_size = \(ReadConnection.mapBytes)") }
        do {
            if options.readOnly && !FileManager.default.fileExists(atPath: path) {
                throw EventLogError.storage("no database at \(path)")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            if !options.readOnly {
                // Set on the pool's one writer connection, after GRDB's WAL setup (which chooses NORMAL).
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(options.durability.rawValue)") }
                try EventLogSchema.migrator.migrate(pool)
                if options.checkpointInterval != nil {
                    let pages = max(1, options.writerCheckpointPages)
                    try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)") }
                }
            }
        } catch let error as EventLogError {
            throw error
        } catch {
            throw EventLogError.storage("cannot open \(path): \(Self.describe(error))")
        }
        let reads = ReadConnections(path: path, readOnly: options.readOnly, hold: options.readTransactionHold)
        self.reads = reads
        // Another process's appends are found by reading the head (this process's own notify at once).
        notifier = HeadNotifier(pollInterval: options.pollInterval, idleInterval: options.idleInterval) {
            try reads.read { connection in
                let statement = try connection.statement(Self.headPositionSQL)
                defer { statement.finish() }
                return try statement.step() ? statement.int64(0) : 0
            }
        }
        committer = GroupCommitter(pool: pool, maximumBatch: options.maximumBatch, notifier: notifier) { reads.willWrite() }
        if let interval = options.checkpointInterval, !options.readOnly {
            checkpointer = try BackgroundCheckpointer(path: path, interval: interval, synchronous: options.durability.rawValue)
        } else {
            checkpointer = nil
        }
    }

    deinit { checkpointer?.stop() }

    /// Ends the read transactions that idle read connections keep (``Options/readTransactionHold``) now rather than
    /// when their hold runs out: before a checkpoint that must find no reader in the WAL (`TRUNCATE`, `RESTART`).
    public func endIdleReadTransactions() { reads.endIdleTransactions() }

    /// Completed passes of the background checkpointer (nil when checkpoints are SQLite's automatic ones).
    public var backgroundCheckpointPasses: Int? { checkpointer?.passCount }

    /// Snapshot rows this process found it could not decompress (a damaged blob or dictionary) and replayed the
    /// stream instead of: counted for `/metrics`; `registrar verify` names them, `registrar snapshot` rewrites them.
    public var snapshotsNotDecompressed: Int { undecompressedSnapshots.load(ordering: .relaxed) }

    /// Registers extra work that must run inside every append transaction after the events are written (projections
    /// use it for read-your-writes). It receives the events the transaction wrote, in position order.
    /// What the hook returns runs once the transaction has ended, before the appends' callers resume: `committed`
    /// after a commit, `rolledBack` when the transaction failed (also when the hook itself threw after others ran).
    public func setAfterAppendHook(_ hook: (@Sendable (Database, [RecordedEvent]) throws -> AfterTransaction?)?) {
        committer.afterAppend.withLock { $0 = hook }
    }

    /// Registers a function called after every commit of this store that wrote events, on the writer's thread,
    /// before the appends' callers resume. It must be quick and must not use the store. Caches of what was read from
    /// the log or the read models drop what the commit changed here; a commit that follows another process's appends
    /// says so, since their streams are unknown to this store.
    public func addCommitObserver(_ observer: @escaping @Sendable (CommittedAppends) -> Void) {
        committer.commitObservers.withLock { $0.append(observer) }
    }

    /// The first integrity failure an append of this store found at commit time (the log changed behind the
    /// store's back: a read model past the log's end, say), nil while none was found. Kept for the life of the
    /// store: a server reports it on `/health` until it is restarted on a log that `registrar verify` passed.
    public var integrityFailure: String? { committer.integrityFailure.withLock { $0 } }

    /// Registers a function called once, with the first integrity failure an append finds (``integrityFailure``), on
    /// the writer's thread, before the appends' callers resume. It must be quick and must not use the store.
    public func addIntegrityFailureObserver(_ observer: @escaping @Sendable (String) -> Void) {
        committer.integrityObservers.withLock { $0.append(observer) }
    }

    // MARK: Appends

    public func append(_ request: AppendRequest) async throws -> AppendResult {
        try await append(request, alongside: nil)
    }

    /// Appends, and runs `alongside` inside the same transaction and savepoint, after the events are written (for
    /// rows that must commit with the events, such as a new account's credentials). If it throws, the append fails
    /// and nothing of it is kept. It does not run for a duplicate request id.
    public func append(_ request: AppendRequest, alongside: (@Sendable (Database) throws -> Void)?) async throws -> AppendResult {
        try AppendValidation.validate(request)
        let metadata = try AppendValidation.metadataBytes(for: request)
        // Compressed here, on the caller's thread, so that the writer only inserts the row.
        let snapshot = try request.snapshot.map { try snapshotRow($0.payload, stateSchemaVersion: $0.stateSchemaVersion) }
        return try await committer.submit(request, metadata: metadata, snapshot: snapshot, alongside: alongside)
    }

    // MARK: Reads

    // The read statements, declared once (`ReadSQL`).
    private static let streamEventsSQL = ReadSQL(
        "SELECT \(EventRow.columns) FROM events WHERE stream_id = ? AND stream_version BETWEEN ? AND ? ORDER BY stream_version"
    )
    private static let streamPayloadsSQL = ReadSQL(
        """
        SELECT position, stream_version, event_type, schema_version, data FROM events
        WHERE stream_id = ? AND stream_version BETWEEN ? AND ? ORDER BY stream_version
        """
    )
    private static let streamVersionSQL = ReadSQL("SELECT MAX(stream_version) FROM events WHERE stream_id = ?")
    private static let headPositionSQL = ReadSQL("SELECT MAX(position) FROM events")
    private static let requestResultSQL = ReadSQL(
        "SELECT stream_id, first_version, last_version, first_position, last_position FROM requests WHERE request_id = ?"
    )
    private static let claimHolderSQL = ReadSQL("SELECT stream_id FROM claims WHERE claim = ?")
    private static let snapshotAndTailSQL = ReadSQL(
        """
        SELECT 0, NULL, stream_version, dictionary_id, NULL, blob
        FROM snapshots WHERE stream_id = ?1 AND state_schema_version = ?2
        UNION ALL
        SELECT 1, position, stream_version, event_type, schema_version, data
        FROM events WHERE stream_id = ?1 AND stream_version > ifnull(
        (SELECT stream_version FROM snapshots WHERE stream_id = ?1 AND state_schema_version = ?2), 0)
        """
    )
    private static let snapshotSQL = ReadSQL(
        "SELECT stream_version, dictionary_id, blob FROM snapshots WHERE stream_id = ? AND state_schema_version = ?"
    )
    private static let dictionarySQL = ReadSQL("SELECT bytes FROM zstd_dictionaries WHERE id = ?")
    private static let currentDictionarySQL = ReadSQL("SELECT id FROM zstd_dictionaries ORDER BY trained_at_position DESC, rowid DESC LIMIT 1")

    public func readStream(_ streamId: String, fromVersion: Int, toVersion: Int?) async throws -> [RecordedEvent] {
        try reads.read { connection in
            let statement = try connection.statement(Self.streamEventsSQL)
            defer { statement.finish() }
            statement.bind(1, streamId)
            statement.bind(2, Int64(fromVersion))
            statement.bind(3, Int64(toVersion ?? Int(Int32.max)))
            var events = [RecordedEvent]()
            while try statement.step() { events.append(EventRow.decode(statement)) }
            return events
        }
    }

    public func readPayloads(_ streamId: String, fromVersion: Int, toVersion: Int?) async throws -> [StoredPayload] {
        try reads.read { try Self.payloads(streamId, fromVersion: fromVersion, toVersion: toVersion, on: $0) }
    }

    private static func payloads(_ streamId: String, fromVersion: Int, toVersion: Int?, on connection: ReadConnection) throws -> [StoredPayload] {
        let statement = try connection.statement(Self.streamPayloadsSQL)
        defer { statement.finish() }
        statement.bind(1, streamId)
        statement.bind(2, Int64(fromVersion))
        statement.bind(3, Int64(toVersion ?? Int(Int32.max)))
        var payloads = [StoredPayload]()
        while try statement.step() { payloads.append(storedPayload(statement, from: 0, on: connection)) }
        return payloads
    }

    /// A payload from five columns starting at `first`: position, stream version, type, schema version, data.
    private static func storedPayload(_ statement: RawStatement, from first: Int32, on connection: ReadConnection) -> StoredPayload {
        StoredPayload(
            position: statement.int64(first),
            streamVersion: Int(statement.int64(first + 1)),
            type: connection.typeName(statement, column: first + 2),
            schemaVersion: Int(statement.int64(first + 3)),
            data: statement.data(first + 4)
        )
    }

    public func readStream(_ streamId: String, recordedAtOrBefore instant: String) async throws -> [RecordedEvent] {
        try pool.readNow { db in
            try EventRow.fetch(
                db,
                sql: """
                    SELECT \(EventRow.columns) FROM events
                    WHERE stream_id = ? AND json_extract(metadata, '$.recordedAt') <= ? ORDER BY stream_version
                    """
            ) { statement in
                statement.bind(1, streamId)
                statement.bind(2, instant)
            }
        }
    }

    public func readAll(after afterPosition: Int64, limit: Int) async throws -> [RecordedEvent] {
        try pool.readNow { db in try Self.readAll(db, after: afterPosition, limit: limit) }
    }

    /// Reads a batch inside an existing database access (rebuilds and scans use it).
    public static func readAll(_ db: Database, after afterPosition: Int64, limit: Int) throws -> [RecordedEvent] {
        try EventRow.fetch(db, sql: "SELECT \(EventRow.columns) FROM events WHERE position > ? ORDER BY position LIMIT ?") { statement in
            statement.bind(1, afterPosition)
            statement.bind(2, Int64(limit))
        }
    }

    /// The events of one stream below `version`, in stream order, inside an existing database access (a read model
    /// that derives a row from a stream's earlier events uses it).
    public static func readStream(_ db: Database, _ streamId: String, before version: Int) throws -> [RecordedEvent] {
        try EventRow.fetch(
            db,
            sql: "SELECT \(EventRow.columns) FROM events WHERE stream_id = ? AND stream_version < ? ORDER BY stream_version"
        ) { statement in
            statement.bind(1, streamId)
            statement.bind(2, Int64(version))
        }
    }

    /// What a stream's state before `version` folds from, read through `db` (inside the writer's transaction, where
    /// the batch's own appends are visible): the stream's snapshot when it is older than `version` and still
    /// decompresses, and the events after it (every event when there is none) up to `version - 1`. A read model that
    /// no longer holds a stream's state in memory rebuilds it from here.
    public func stateSource(
        _ db: Database,
        streamId: String,
        stateSchemaVersion: Int,
        before version: Int
    ) throws -> (
        snapshot: Snapshot?, events: [RecordedEvent]
    ) {
        let row = RawStatement(
            try db.cachedStatement(sql: "SELECT stream_version, dictionary_id, blob FROM snapshots WHERE stream_id = ? AND state_schema_version = ?"),
            in: db
        )
        row.bind(1, streamId)
        row.bind(2, Int64(stateSchemaVersion))
        var snapshot: Snapshot?
        if try row.step(), Int(row.int64(0)) < version {
            let stored: SnapshotRowValues = (Int(row.int64(0)), row.isNull(1) ? nil : row.int64(1), row.data(2))
            snapshot = self.snapshot(from: stored, streamId: streamId, stateSchemaVersion: stateSchemaVersion)
        }
        row.finish()
        let events = try EventRow.fetch(
            db,
            sql: "SELECT \(EventRow.columns) FROM events WHERE stream_id = ? AND stream_version > ? AND stream_version < ? ORDER BY stream_version"
        ) { statement in
            statement.bind(1, streamId)
            statement.bind(2, Int64(snapshot?.streamVersion ?? 0))
            statement.bind(3, Int64(version))
        }
        return (snapshot, events)
    }

    /// Every stream with events at positions up to `head`, in stream id order, with how many it has there (read
    /// models rebuild stream by stream).
    public static func streamCounts(_ db: Database, upTo head: Int64) throws -> [(streamId: String, events: Int)] {
        let statement = RawStatement(
            try db.cachedStatement(sql: "SELECT stream_id, COUNT(*) FROM events WHERE position <= ? GROUP BY stream_id ORDER BY stream_id"),
            in: db
        )
        statement.bind(1, head)
        defer { statement.finish() }
        var counts = [(streamId: String, events: Int)]()
        while try statement.step() { counts.append((statement.string(0), Int(statement.int64(1)))) }
        return counts
    }

    /// The events at positions up to `head` of the streams whose ids lie between `first` and `last` (inclusive), in
    /// position order.
    public static func readStreams(_ db: Database, from first: String, through last: String, upTo head: Int64) throws -> [RecordedEvent] {
        try EventRow.fetch(
            db,
            sql: "SELECT \(EventRow.columns) FROM events WHERE stream_id BETWEEN ? AND ? AND position <= ? ORDER BY position"
        ) { statement in
            statement.bind(1, first)
            statement.bind(2, last)
            statement.bind(3, head)
        }
    }

    public func streamVersion(_ streamId: String) async throws -> Int {
        try reads.read { connection in
            let statement = try connection.statement(Self.streamVersionSQL)
            defer { statement.finish() }
            statement.bind(1, streamId)
            return try statement.step() ? Int(statement.int64(0)) : 0
        }
    }

    /// One statement, so one read transaction: a read that needs a file and the season checks both for the price of
    /// one (each read transaction after a commit starts from an emptied page cache).
    public func streamVersions(_ streamIds: [String]) async throws -> [Int] {
        guard !streamIds.isEmpty else { return [] }
        return try reads.read { connection in
            let lookups = streamIds.indices.map { "(SELECT MAX(stream_version) FROM events WHERE stream_id = ?\($0 + 1))" }
            let statement = try connection.statement("SELECT " + lookups.joined(separator: ", "))
            defer { statement.finish() }
            for (index, streamId) in streamIds.enumerated() { statement.bind(Int32(index + 1), streamId) }
            guard try statement.step() else { return streamIds.map { _ in 0 } }
            return streamIds.indices.map { Int(statement.int64(Int32($0))) }
        }
    }

    public func headPosition() async throws -> Int64 {
        try reads.read { connection in
            let statement = try connection.statement(Self.headPositionSQL)
            defer { statement.finish() }
            return try statement.step() ? statement.int64(0) : 0
        }
    }

    public func result(ofRequest requestId: String) async throws -> AppendResult? {
        try reads.read { connection in
            let statement = try connection.statement(Self.requestResultSQL)
            defer { statement.finish() }
            statement.bind(1, requestId)
            guard try statement.step() else { return nil }
            return AppendResult(
                streamId: statement.string(0),
                firstVersion: Int(statement.int64(1)),
                lastVersion: Int(statement.int64(2)),
                firstPosition: statement.int64(3),
                lastPosition: statement.int64(4),
                wasDuplicate: true
            )
        }
    }

    public func claimHolder(_ claim: String) async throws -> String? {
        try reads.read { connection in
            let statement = try connection.statement(Self.claimHolderSQL)
            defer { statement.finish() }
            statement.bind(1, claim)
            return try statement.step() ? statement.string(0) : nil
        }
    }

    /// The ids of every stream whose id starts with `prefix`, sorted.
    public func streamIds(prefix: String) async throws -> [String] {
        try pool.readNow { db in
            try String.fetchAll(
                db,
                sql: "SELECT DISTINCT stream_id FROM events WHERE stream_id >= ? AND stream_id < ? ORDER BY stream_id",
                arguments: [prefix, prefix + "\u{10FFFF}"]
            )
        }
    }

    public func subscribe(after afterPosition: Int64) -> LiveEvents {
        // A blocking read, as every read the server makes while serving: GRDB's async read hands a connection to a task
        // that then waits for a cooperative thread, and a handful of live feeds woken by one append held every reader
        // while the threads waited, in blocking reads, for one (audit W-5: the whole server hung).
        LiveEvents(after: afterPosition, notifier: notifier) { [pool] position in
            try pool.readNow { db in try Self.readAll(db, after: position, limit: 500) }
        }
    }

    // MARK: Snapshots

    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        let row = try snapshotRow(snapshot.payload, stateSchemaVersion: snapshot.stateSchemaVersion)
        try await pool.write { db in try row.write(streamId: snapshot.streamId, version: snapshot.streamVersion, db: db) }
    }

    /// A payload compressed with the current dictionary (if any), as the snapshots table stores it.
    private func snapshotRow(_ payload: Data, stateSchemaVersion: Int) throws -> SnapshotRow {
        let (codec, dictionaryId) = try currentCodec()
        return SnapshotRow(
            stateSchemaVersion: stateSchemaVersion,
            dictionaryId: dictionaryId,
            rawSize: payload.count,
            blob: try codec.compress(payload)
        )
    }

    public func loadSnapshot(streamId: String, stateSchemaVersion: Int) async throws -> Snapshot? {
        let stored = try reads.read { try Self.snapshotRow(streamId, stateSchemaVersion: stateSchemaVersion, on: $0) }
        return stored.flatMap { snapshot(from: $0, streamId: streamId, stateSchemaVersion: stateSchemaVersion) }
    }

    /// The snapshot row and the events after it, read on one connection (the two reads of every load).
    public func loadSnapshotAndTail(streamId: String, stateSchemaVersion: Int) async throws -> SnapshotAndTail {
        let (stored, tail) = try reads.read { connection in
            try Self.snapshotRowAndTail(streamId, stateSchemaVersion: stateSchemaVersion, on: connection)
        }
        guard let stored else { return SnapshotAndTail(snapshot: nil, tail: tail) }
        guard let snapshot = snapshot(from: stored, streamId: streamId, stateSchemaVersion: stateSchemaVersion) else {
            return SnapshotAndTail(snapshot: nil, tail: try await readPayloads(streamId, fromVersion: 1, toVersion: nil))
        }
        return SnapshotAndTail(snapshot: snapshot, tail: tail)
    }

    private typealias SnapshotRowValues = (version: Int, dictionaryId: Int64?, blob: Data)

    /// The snapshot row and the events after it, in one statement (one read transaction, one step loop): the
    /// snapshot first (kind 0), then the tail in stream order (kind 1).
    private static func snapshotRowAndTail(
        _ streamId: String,
        stateSchemaVersion: Int,
        on connection: ReadConnection
    ) throws -> (SnapshotRowValues?, [StoredPayload]) {
        let statement = try connection.statement(Self.snapshotAndTailSQL)
        defer { statement.finish() }
        statement.bind(1, streamId)
        statement.bind(2, Int64(stateSchemaVersion))
        var stored: SnapshotRowValues?
        var tail = [StoredPayload]()
        while try statement.step() {
            if statement.int64(0) == 0 {
                stored = (Int(statement.int64(2)), statement.isNull(3) ? nil : statement.int64(3), statement.data(5))
            } else {
                tail.append(storedPayload(statement, from: 1, on: connection))
            }
        }
        // The compound's order is the index's in practice; nothing here relies on it.
        if !zip(tail, tail.dropFirst()).allSatisfy({ $0.streamVersion < $1.streamVersion }) { tail.sort { $0.streamVersion < $1.streamVersion } }
        return (stored, tail)
    }

    private static func snapshotRow(_ streamId: String, stateSchemaVersion: Int, on connection: ReadConnection) throws -> SnapshotRowValues? {
        let statement = try connection.statement(Self.snapshotSQL)
        defer { statement.finish() }
        statement.bind(1, streamId)
        statement.bind(2, Int64(stateSchemaVersion))
        guard try statement.step() else { return nil }
        return (Int(statement.int64(0)), statement.isNull(1) ? nil : statement.int64(1), statement.data(2))
    }

    private func snapshot(from stored: SnapshotRowValues, streamId: String, stateSchemaVersion: Int) -> Snapshot? {
        // A snapshot that no longer decompresses is a cache miss, not an error: the stream is replayed instead.
        guard let codec = try? codec(forDictionary: stored.dictionaryId),
            let payload = try? codec.decompress(stored.blob)
        else {
            undecompressedSnapshots.add(1, ordering: .relaxed)
            return nil
        }
        return Snapshot(streamId: streamId, streamVersion: stored.version, stateSchemaVersion: stateSchemaVersion, payload: payload)
    }

    /// Trains a zstd dictionary from the stored snapshots, makes it current and recompresses every snapshot with it.
    public func trainSnapshotDictionary(capacity: Int = 32 * 1024) async throws -> DictionaryTrainingReport {
        let stored = try await pool.read { db -> [(streamId: String, schemaVersion: Int, dictionaryId: Int64?, blob: Data)] in
            try Row.fetchAll(db, sql: "SELECT stream_id, state_schema_version, dictionary_id, blob FROM snapshots").map {
                ($0["stream_id"], $0["state_schema_version"], $0["dictionary_id"], $0["blob"])
            }
        }
        var samples = [Data]()
        for row in stored {
            samples.append(try codec(forDictionary: row.dictionaryId).decompress(row.blob))
        }
        let dictionary = try Zstd.trainDictionary(samples: samples, capacity: capacity)
        let id = Int64(Zstd.dictionaryID(dictionary))
        let codec = ZstdCodec(level: 3, dictionary: dictionary)
        var recompressed = [(String, Int, Data)]()
        var before = 0
        var after = 0
        for (row, sample) in zip(stored, samples) {
            let blob = try codec.compress(sample)
            before += row.blob.count
            after += blob.count
            recompressed.append((row.streamId, row.schemaVersion, blob))
        }
        let head = try await headPosition()
        let sampleCount = samples.count
        try await pool.write { [recompressed] db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO zstd_dictionaries (id, trained_at_position, sample_count, bytes) VALUES (?, ?, ?, ?)",
                arguments: [id, head, sampleCount, dictionary]
            )
            for (streamId, schemaVersion, blob) in recompressed {
                try db.execute(
                    sql: """
                        UPDATE snapshots SET codec = 'zstd-dictionary', dictionary_id = ?, blob = ?
                        WHERE stream_id = ? AND state_schema_version = ?
                        """,
                    arguments: [id, blob, streamId, schemaVersion]
                )
            }
        }
        codecs.withLock { $0[id] = codec }
        currentDictionary.withLock { $0 = (id, .now) }
        return DictionaryTrainingReport(
            dictionaryId: id,
            dictionaryBytes: dictionary.count,
            sampleCount: samples.count,
            rawBytes: samples.reduce(0) { $0 + $1.count },
            compressedBytesBefore: before,
            compressedBytesAfter: after
        )
    }

    /// The bytes of a stored dictionary (for `zstd -D`).
    public func dictionary(id: Int64) async throws -> Data? {
        try storedDictionary(id: id)
    }

    private func storedDictionary(id: Int64) throws -> Data? {
        try reads.read { connection in
            let statement = try connection.statement(Self.dictionarySQL)
            defer { statement.finish() }
            statement.bind(1, id)
            return try statement.step() ? statement.data(0) : nil
        }
    }

    /// Counts and sizes of the stored snapshots.
    public func snapshotStatistics() async throws -> SnapshotStatistics {
        try await pool.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS count, COALESCE(SUM(raw_size), 0) AS raw, COALESCE(SUM(LENGTH(blob)), 0) AS stored,
                           COALESCE(SUM(dictionary_id IS NOT NULL), 0) AS with_dictionary FROM snapshots
                    """
            )!
            let current = try Int64.fetchOne(db, sql: "SELECT id FROM zstd_dictionaries ORDER BY trained_at_position DESC, rowid DESC LIMIT 1")
            return SnapshotStatistics(
                count: row["count"],
                rawBytes: row["raw"],
                storedBytes: row["stored"],
                withDictionary: row["with_dictionary"],
                currentDictionaryId: current
            )
        }
    }

    func codec(forDictionary id: Int64?) throws -> ZstdCodec {
        guard let id else { return plainCodec }
        if let codec = codecs.withLock({ $0[id] }) { return codec }
        guard let bytes = try storedDictionary(id: id) else { throw ZstdError(description: "dictionary \(id) is missing") }
        let codec = ZstdCodec(level: 3, dictionary: bytes)
        codecs.withLock { $0[id] = codec }
        return codec
    }

    private func currentCodec() throws -> (ZstdCodec, Int64?) {
        let now = ContinuousClock.now
        if let known = currentDictionary.withLock({ $0 }), now - known.checkedAt < .seconds(5) {
            return (try codec(forDictionary: known.id), known.id)
        }
        let current = try reads.read { connection -> Int64? in
            let statement = try connection.statement(Self.currentDictionarySQL)
            defer { statement.finish() }
            return try statement.step() ? statement.int64(0) : nil
        }
        currentDictionary.withLock { $0 = (current, now) }
        return (try codec(forDictionary: current), current)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

/// What training a snapshot dictionary did.
public struct DictionaryTrainingReport: Sendable, Equatable {
    /// The dictionary's id (its ZDICT id, also written in every frame made with it).
    public var dictionaryId: Int64
    /// Size of the dictionary.
    public var dictionaryBytes: Int
    /// Snapshots used as samples.
    public var sampleCount: Int
    /// Their uncompressed size.
    public var rawBytes: Int
    /// Their stored size before, with the previous codec.
    public var compressedBytesBefore: Int
    /// Their stored size after recompression with the new dictionary.
    public var compressedBytesAfter: Int
}

/// Counts and sizes of the stored snapshots.
public struct SnapshotStatistics: Sendable, Equatable {
    /// Number of snapshots.
    public var count: Int
    /// Uncompressed bytes.
    public var rawBytes: Int
    /// Stored (compressed) bytes.
    public var storedBytes: Int
    /// Snapshots compressed with a dictionary.
    public var withDictionary: Int
    /// The dictionary new snapshots use.
    public var currentDictionaryId: Int64?
}
