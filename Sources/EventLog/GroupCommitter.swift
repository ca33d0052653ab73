import Dispatch
import Foundation
import GRDB
import Synchronization

/// Gathers concurrent appends into one SQLite transaction (one fsync), while each caller gets its own result.
///
/// An append that finds the log idle commits at once on its caller's thread; whatever arrives while a batch is
/// committing forms the next batch, which one writer thread commits, so batching costs no added latency. Every append runs in its own savepoint: one that fails is rolled back alone
/// and the rest of its batch commits.
final class GroupCommitter: Sendable {
    private struct Pending {
        let request: AppendRequest
        let metadata: (first: Data, rest: Data)
        let snapshot: SnapshotRow?
        let alongside: (@Sendable (Database) throws -> Void)?
        let continuation: CheckedContinuation<AppendResult, Error>
    }

    private struct Queue {
        var pending: [Pending] = []
        var draining = false
    }

    private struct Head {
        var position: Int64
        var hash: Data
    }

    private let pool: DatabasePool
    private let maximumBatch: Int
    private let notifier: HeadNotifier
    private let queue = Mutex(Queue())
    private let writer = DispatchQueue(label: "registrar.eventlog.group-commit", qos: .userInitiated)
    let afterAppend = Mutex<(@Sendable (Database, [RecordedEvent]) throws -> AfterTransaction?)?>(nil)
    let commitObservers = Mutex<[@Sendable (CommittedAppends) -> Void]>([])
    /// The first integrity failure a commit found (``EventLogError/integrity(_:)``), kept for good.
    let integrityFailure = Mutex<String?>(nil)
    /// Called once, with the first integrity failure, on the writer's thread.
    let integrityObservers = Mutex<[@Sendable (String) -> Void]>([])
    /// Called on the writer's thread before each write transaction begins.
    private let beforeWriteTransaction: @Sendable () -> Void
    // The head after this committer's previous commit (nil before the first): a batch that finds another head
    // follows appends of another process.
    private let headAfterLastCommit = Mutex<Int64?>(nil)

    init(pool: DatabasePool, maximumBatch: Int, notifier: HeadNotifier, beforeWriteTransaction: @escaping @Sendable () -> Void) {
        self.pool = pool
        self.maximumBatch = max(1, maximumBatch)
        self.notifier = notifier
        self.beforeWriteTransaction = beforeWriteTransaction
    }

    func submit(
        _ request: AppendRequest,
        metadata: (first: Data, rest: Data),
        snapshot: SnapshotRow?,
        alongside: (@Sendable (Database) throws -> Void)?
    ) async throws -> AppendResult {
        try await withCheckedThrowingContinuation { continuation in
            let startDraining = queue.withLock { queue in
                queue.pending.append(
                    Pending(request: request, metadata: metadata, snapshot: snapshot, alongside: alongside, continuation: continuation)
                )
                if queue.draining { return false }
                queue.draining = true
                return true
            }
            guard startDraining else { return }
            // An append that finds the log idle commits its batch on the caller's thread: the hop to the writer
            // thread and back costs as much as the rest of an uncontended append besides the fsync. Appends arriving
            // meanwhile queue up and the writer thread commits them, so a caller is held for its own batch only.
            guard let batch = nextBatch() else { return }
            commit(batch)
            let more = queue.withLock { queue in
                if queue.pending.isEmpty { queue.draining = false }
                return queue.draining
            }
            if more { writer.async { self.drain() } }
        }
    }

    /// Takes the next batch; when nothing is pending, ends draining and returns nil.
    private func nextBatch() -> [Pending]? {
        queue.withLock { queue -> [Pending]? in
            if queue.pending.isEmpty {
                queue.draining = false
                return nil
            }
            // Usually everything pending: handed over whole rather than copied out and shifted.
            guard queue.pending.count > maximumBatch else {
                var batch = [Pending]()
                swap(&batch, &queue.pending)
                return batch
            }
            let batch = Array(queue.pending.prefix(maximumBatch))
            queue.pending.removeFirst(maximumBatch)
            return batch
        }
    }

    private func drain() {
        while let batch = nextBatch() { commit(batch) }
    }

    private func commit(_ batch: [Pending]) {
        var outcomes = [Result<AppendResult, Error>](repeating: .failure(EventLogError.storage("not attempted")), count: batch.count)
        var wroteSomething = false
        var committed: CommittedAppends?
        let hook = afterAppend.withLock { $0 }
        var afterTransaction: AfterTransaction?
        beforeWriteTransaction()
        do {
            try pool.writeWithoutTransaction { db in
                try Self.inImmediateTransaction(db) {
                    // Read the head inside the write lock: another process may have appended since our last batch.
                    var head = try Self.readHead(db)
                    let followsForeignAppends = headAfterLastCommit.withLock { $0 } != head.position
                    var written = [RecordedEvent]()
                    // The versions of the streams named in conditions, as this transaction has them: one lookup per
                    // batch for the season every command names, not one per append.
                    var conditionVersions = [String: Int]()
                    for (index, pending) in batch.enumerated() {
                        let saved = head
                        let writtenBefore = written.count
                        let savedConditionVersions = conditionVersions
                        do {
                            try db.cachedStatement(sql: "SAVEPOINT append_request").execute()
                            let result = try Self.apply(
                                pending,
                                db: db,
                                head: &head,
                                written: &written,
                                conditionVersions: &conditionVersions
                            )
                            if !result.wasDuplicate {
                                if let snapshot = pending.snapshot {
                                    try snapshot.write(streamId: result.streamId, version: result.lastVersion, db: db)
                                }
                                if let alongside = pending.alongside { try alongside(db) }
                            }
                            try db.cachedStatement(sql: "RELEASE append_request").execute()
                            outcomes[index] = .success(result)
                        } catch {
                            try db.cachedStatement(sql: "ROLLBACK TO append_request").execute()
                            try db.cachedStatement(sql: "RELEASE append_request").execute()
                            head = saved
                            written.removeSubrange(writtenBefore...)
                            conditionVersions = savedConditionVersions
                            outcomes[index] = .failure(Self.map(error))
                        }
                    }
                    if let hook, !written.isEmpty { afterTransaction = try hook(db, written) }
                    wroteSomething = !written.isEmpty
                    if wroteSomething {
                        committed = CommittedAppends(
                            streamIds: Set(written.map(\.streamId)),
                            headPosition: head.position,
                            followsForeignAppends: followsForeignAppends
                        )
                    }
                }
            }
            afterTransaction?.committed()
        } catch {
            afterTransaction?.rolledBack()
            let failure: EventLogError
            if let violation = error as? any LogIntegrityViolation, violation.isLogIntegrityViolation {
                failure = .integrity(violation.description)
                noteIntegrityFailure(violation.description)
            } else {
                failure = .storage("commit failed: \(SQLiteEventStore.describe(error))")
            }
            outcomes = outcomes.map { _ in .failure(failure) }
            wroteSomething = false
            committed = nil
        }
        if let committed {
            headAfterLastCommit.withLock { $0 = committed.headPosition }
            // Before any caller hears of its append: a reply cached from what this commit changed is gone by the
            // time the writer can read again.
            for observer in commitObservers.withLock({ $0 }) { observer(committed) }
        }
        for (pending, outcome) in zip(batch, outcomes) { pending.continuation.resume(with: outcome) }
        if wroteSomething { notifier.notify() }
    }

    /// Keeps the first integrity failure and tells the observers of it; later ones change nothing.
    private func noteIntegrityFailure(_ finding: String) {
        let first = integrityFailure.withLock { kept in
            if kept != nil { return false }
            kept = finding
            return true
        }
        if first { for observer in integrityObservers.withLock({ $0 }) { observer(finding) } }
    }

    /// `Database.inTransaction(.immediate)` with its `BEGIN` and `COMMIT` prepared once: GRDB prepares both anew for
    /// every transaction, ~10 µs of a serial append's ~50 outside the fsync. Rolls back when `body` throws.
    private static func inImmediateTransaction(_ db: Database, _ body: () throws -> Void) throws {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE").execute()
        do {
            try body()
            try db.cachedStatement(sql: "COMMIT").execute()
        } catch {
            if !db.isInsideTransaction { throw error }
            try? db.cachedStatement(sql: "ROLLBACK").execute()
            throw error
        }
    }

    private static func readHead(_ db: Database) throws -> Head {
        let statement = RawStatement(try db.cachedStatement(sql: "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1"), in: db)
        defer { statement.finish() }
        guard try statement.step() else { return Head(position: 0, hash: ChainHash.genesis) }
        return Head(position: statement.int64(0), hash: statement.data(1))
    }

    private static func apply(
        _ pending: Pending,
        db: Database,
        head: inout Head,
        written: inout [RecordedEvent],
        conditionVersions: inout [String: Int]
    ) throws -> AppendResult {
        let request = pending.request
        if let requestId = request.metadata.requestId {
            let lookup = RawStatement(
                try db.cachedStatement(
                    sql: "SELECT stream_id, first_version, last_version, first_position, last_position FROM requests WHERE request_id = ?"
                ),
                in: db
            )
            lookup.bind(1, requestId)
            defer { lookup.finish() }
            if try lookup.step() {
                let streamId = lookup.string(0)
                guard streamId == request.streamId else { throw EventLogError.requestIdReused(requestId: requestId, streamId: streamId) }
                let original = AppendResult(
                    streamId: streamId,
                    firstVersion: Int(lookup.int64(1)),
                    lastVersion: Int(lookup.int64(2)),
                    firstPosition: lookup.int64(3),
                    lastPosition: lookup.int64(4),
                    wasDuplicate: true
                )
                if let fingerprint = request.metadata.requestFingerprint {
                    // In the append's transaction: of two different requests racing with one id, the second is
                    // refused here whatever the order in which they were decided.
                    let read = RawStatement(try db.cachedStatement(sql: "SELECT metadata FROM events WHERE position = ?"), in: db)
                    read.bind(1, original.firstPosition)
                    defer { read.finish() }
                    if try read.step() {
                        try RequestFingerprint.check(fingerprint, against: read.data(0), requestId: requestId, streamId: streamId)
                    }
                }
                return original
            }
        }

        let versionQuery = RawStatement(try db.cachedStatement(sql: "SELECT MAX(stream_version) FROM events WHERE stream_id = ?"), in: db)
        // On the writer's connection, whose page cache the commits keep warm: cheaper than a reader's lookup before
        // the decision, and atomic with the append.
        for condition in request.conditions {
            let version: Int
            if let known = conditionVersions[condition.streamId] {
                version = known
            } else {
                versionQuery.bind(1, condition.streamId)
                _ = try versionQuery.step()
                version = Int(versionQuery.int64(0))
                versionQuery.finish()
                conditionVersions[condition.streamId] = version
            }
            guard version == condition.version else {
                throw EventLogError.conditionNotMet(streamId: condition.streamId, expected: condition.version, actual: version)
            }
        }
        versionQuery.bind(1, request.streamId)
        _ = try versionQuery.step()
        let actual = Int(versionQuery.int64(0))
        versionQuery.finish()
        guard request.expectedVersion.admits(actual) else {
            throw EventLogError.wrongExpectedVersion(streamId: request.streamId, expected: request.expectedVersion, actual: actual)
        }

        let firstPosition = head.position + 1
        if !request.claims.isEmpty {
            let holderQuery = RawStatement(try db.cachedStatement(sql: "SELECT stream_id FROM claims WHERE claim = ?"), in: db)
            for claim in request.claims {
                holderQuery.bind(1, claim)
                let holder = try holderQuery.step() ? holderQuery.string(0) : nil
                holderQuery.finish()
                if let holder, holder != request.streamId { throw EventLogError.claimTaken(claim: claim, heldBy: holder) }
                if holder == nil {
                    let insert = RawStatement(try db.cachedStatement(sql: "INSERT INTO claims (claim, stream_id, position) VALUES (?, ?, ?)"), in: db)
                    insert.bind(1, claim)
                    insert.bind(2, request.streamId)
                    insert.bind(3, firstPosition)
                    _ = try insert.step()
                    insert.finish()
                }
            }
        }

        let insert = RawStatement(
            try db.cachedStatement(
                sql: """
                    INSERT INTO events (position, stream_id, stream_version, event_type, schema_version, data, metadata, previous_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ),
            in: db
        )
        for (offset, proposed) in request.events.enumerated() {
            let position = head.position + 1
            let metadata = offset == 0 ? pending.metadata.first : pending.metadata.rest
            let version = actual + offset + 1
            let hash = ChainHash.hash(
                previous: head.hash,
                position: position,
                streamId: request.streamId,
                streamVersion: version,
                type: proposed.type,
                schemaVersion: proposed.schemaVersion,
                data: proposed.data,
                metadata: metadata
            )
            insert.bind(1, position)
            insert.bind(2, request.streamId)
            insert.bind(3, Int64(version))
            insert.bind(4, proposed.type)
            insert.bind(5, Int64(proposed.schemaVersion))
            insert.bindText(6, proposed.data)
            insert.bindText(7, metadata)
            insert.bindBlob(8, head.hash)
            insert.bindBlob(9, hash)
            _ = try insert.step()
            insert.finish()
            written.append(
                RecordedEvent(
                    position: position,
                    streamId: request.streamId,
                    streamVersion: version,
                    type: proposed.type,
                    schemaVersion: proposed.schemaVersion,
                    data: proposed.data,
                    metadata: metadata,
                    previousHash: head.hash,
                    hash: hash
                )
            )
            head = Head(position: position, hash: hash)
        }

        if conditionVersions[request.streamId] != nil { conditionVersions[request.streamId] = actual + request.events.count }
        let result = AppendResult(
            streamId: request.streamId,
            firstVersion: actual + 1,
            lastVersion: actual + request.events.count,
            firstPosition: firstPosition,
            lastPosition: head.position,
            wasDuplicate: false
        )
        if let requestId = request.metadata.requestId {
            let remember = RawStatement(
                try db.cachedStatement(
                    sql: """
                        INSERT INTO requests (request_id, stream_id, first_version, last_version, first_position, last_position)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """
                ),
                in: db
            )
            remember.bind(1, requestId)
            remember.bind(2, request.streamId)
            remember.bind(3, Int64(result.firstVersion))
            remember.bind(4, Int64(result.lastVersion))
            remember.bind(5, result.firstPosition)
            remember.bind(6, result.lastPosition)
            _ = try remember.step()
            remember.finish()
        }
        return result
    }

    private static func map(_ error: any Error) -> Error {
        if let error = error as? EventLogError { return error }
        if error is any AppendRefusal { return error }
        if let error = error as? DatabaseError, error.extendedResultCode == .SQLITE_CONSTRAINT_CHECK {
            return EventLogError.invalidRequest("event data or metadata is not valid JSON")
        }
        return EventLogError.storage(SQLiteEventStore.describe(error))
    }
}

/// A compressed snapshot, ready to be stored (with its append, or alone by `saveSnapshot`).
struct SnapshotRow: Sendable {
    let stateSchemaVersion: Int
    let dictionaryId: Int64?
    let rawSize: Int
    let blob: Data

    /// Stores the row as the stream's snapshot at `version`, unless a newer one is stored already.
    func write(streamId: String, version: Int, db: Database) throws {
        let upsert = RawStatement(
            try db.cachedStatement(
                sql: """
                    INSERT INTO snapshots (stream_id, state_schema_version, stream_version, codec, dictionary_id, raw_size, blob)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (stream_id, state_schema_version) DO UPDATE SET
                        stream_version = excluded.stream_version, codec = excluded.codec,
                        dictionary_id = excluded.dictionary_id, raw_size = excluded.raw_size, blob = excluded.blob
                    WHERE excluded.stream_version >= snapshots.stream_version
                    """
            ),
            in: db
        )
        defer { upsert.finish() }
        upsert.bind(1, streamId)
        upsert.bind(2, Int64(stateSchemaVersion))
        upsert.bind(3, Int64(version))
        upsert.bind(4, dictionaryId == nil ? "zstd" : "zstd-dictionary")
        if let dictionaryId { upsert.bind(5, dictionaryId) }
        upsert.bind(6, Int64(rawSize))
        upsert.bindBlob(7, blob)
        _ = try upsert.step()
    }
}

/// What an after-append hook asks to run once its transaction has ended (``SQLiteEventStore/setAfterAppendHook(_:)``).
public struct AfterTransaction: Sendable {
    /// Runs after the transaction committed.
    public let committed: @Sendable () -> Void
    /// Runs after the transaction was rolled back or failed to commit.
    public let rolledBack: @Sendable () -> Void

    /// Creates the callbacks.
    public init(committed: @escaping @Sendable () -> Void, rolledBack: @escaping @Sendable () -> Void) {
        self.committed = committed
        self.rolledBack = rolledBack
    }
}
