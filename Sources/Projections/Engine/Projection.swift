import EventLog
import Foundation
import GRDB
import RegistrarApp
import RegistrationDomain
import Synchronization

/// Read models projected from the event log.
public enum Projections {
    /// The read models the server keeps up to date, in the order they are applied.
    public static let all: [any Projection] = [CandidateViewProjection(), ReviewComparisonProjection(), AuditTrailProjection()]

    /// The read model with this name.
    public static func named(_ name: String) -> (any Projection)? { all.first { $0.name == name } }
}

/// Physical table names: the live tables, or the shadow tables a rebuild fills before swapping them in.
public struct TableNames: Sendable, Equatable {
    /// Appended to every logical table name.
    public let suffix: String

    /// The tables queries read.
    public static let live = TableNames(suffix: "")
    /// The tables a rebuild fills.
    public static let shadow = TableNames(suffix: "__rebuild")

    /// The physical name of a logical table.
    public func callAsFunction(_ table: String) -> String { table + suffix }
}

/// A read model: a pure fold `(row?, event) -> row?` per table family, plus the SQL that loads and stores rows.
///
/// Its DDL is parameterised by table name so that a rebuild can fill shadow tables while the live ones keep serving.
/// Secondary indexes are separate: a rebuild creates them once, after the bulk load, when it swaps.
public protocol Projection: Sendable {
    /// The stable name, also the folder under `projections/` and the key of its checkpoint.
    var name: String { get }
    /// Bumped whenever rows change shape or meaning: a checkpoint of another version means "rebuild".
    var version: Int { get }
    /// The logical names of its tables.
    var tables: [String] { get }
    /// Tables of its earlier versions that this one no longer has: dropped when an older version is replaced.
    var retiredTables: [String] { get }
    /// `CREATE TABLE` statements (with primary keys, without secondary indexes).
    func createTables(_ names: TableNames) -> [String]
    /// `CREATE INDEX` statements.
    func createIndexes(_ names: TableNames) -> [String]
    /// Folds a batch of events (in position order, each at most once) into the rows held in `state`, inside the
    /// caller's transaction; rows that are only ever appended may be written right away.
    ///
    /// Every row must depend on the events of one stream only, in stream order: a rebuild folds the log in batches of
    /// whole streams (each batch in position order, the batches not), and the live path folds in position order; both
    /// must give the same rows.
    func apply(_ events: [DecodedEvent], db: Database, tables: TableNames, state: FoldState) throws
    /// Writes the rows of `state` changed since the last flush.
    func flush(db: Database, tables: TableNames, state: FoldState) throws
}

extension Projection {
    public var retiredTables: [String] { [] }
}

/// A stored event decoded once per batch and shared by every projection.
///
/// A class: folds pass events through several arrays and loops, and a copy is then one retain rather than one per
/// string and buffer of the event.
public final class DecodedEvent: Sendable {
    /// The event as stored (position, stream, hash...).
    public let recorded: RecordedEvent
    /// Who, why, when.
    public let metadata: EventMetadata
    /// The decoded payload.
    public let payload: Payload

    /// A decoded payload, by family.
    public enum Payload: Sendable {
        /// A candidate-file event.
        case candidate(CandidateEvent)
        /// A season event.
        case season(SeasonEvent)
        /// A staff-account event.
        case staff(StaffEvent)
        /// A type no family knows (kept so that checkpoints still advance).
        case other
    }

    /// The global position.
    public var position: Int64 { recorded.position }
    /// The stream.
    public var streamId: String { recorded.streamId }

    /// Wraps an already decoded event (fold specs build events without a log).
    public init(recorded: RecordedEvent, metadata: EventMetadata, payload: Payload) {
        self.recorded = recorded
        self.metadata = metadata
        self.payload = payload
    }
}

/// Decodes stored events of every family with the event catalog's codecs: the generated member-by-member readers of
/// the current schema versions, Codable otherwise, and the upcasters for older versions (the command path decodes
/// the same way).
public struct EventDecoder: Sendable {
    private let families: [String: Family]

    enum Family { case candidate, season, staff }

    /// Creates the decoder.
    public init() {
        var families = [String: Family]()
        for type in CandidateEvent.payloadTypes { families[type.eventType] = .candidate }
        for type in SeasonEvent.payloadTypes { families[type.eventType] = .season }
        for type in StaffEvent.payloadTypes { families[type.eventType] = .staff }
        self.families = families
    }

    /// Decodes one event.
    public func decode(_ recorded: RecordedEvent) throws -> DecodedEvent {
        let metadata = try EventMetadata(storedJSON: recorded.metadata)
        return DecodedEvent(recorded: recorded, metadata: metadata, payload: try payload(of: recorded))
    }

    /// Decodes one event's payload only.
    public func payload(of recorded: RecordedEvent) throws -> DecodedEvent.Payload {
        switch families[recorded.type] {
        case .candidate: .candidate(try EventCatalog.candidateCodec.decode(recorded))
        case .season: .season(try EventCatalog.seasonCodec.decode(recorded))
        case .staff: .staff(try EventCatalog.staffCodec.decode(recorded))
        case nil: .other
        }
    }

    /// Decodes a batch.
    public func decode(_ batch: [RecordedEvent]) throws -> [DecodedEvent] {
        try batch.map(decode)
    }
}

/// The rows a projection holds in memory while it folds: each touched row is loaded once, folded through all its
/// events, and written once when flushed. The live path flushes after every batch (keeping the rows it wrote in
/// ``WarmRows`` for the next one); a rebuild flushes and forgets them after every batch of whole streams.
public final class FoldState: @unchecked Sendable {
    /// What a stream's state before a version folds from: its snapshot's payload when one is older, and the events
    /// after it (``SQLiteEventStore/stateSource(_:streamId:stateSchemaVersion:before:)``).
    public typealias StreamStateSource =
        @Sendable (_ db: Database, _ streamId: String, _ stateSchemaVersion: Int, _ before: Int) throws -> (
            snapshotPayload: Data?, events: [RecordedEvent]
        )

    private var caches: [String: AnyObject] = [:]
    private let warm: WarmRows?
    /// Where a projection that keeps a stream's state in memory only rebuilds it when it is not there; nil: from the
    /// stream's events alone.
    let streams: StreamStateSource?

    /// Creates an empty state; with `warm`, rows written by earlier batches are taken from memory instead of being
    /// loaded and decoded again, when they are provably current (see ``WarmRows``); with `streams`, a stream's state
    /// not in memory starts from its snapshot.
    public init(warm: WarmRows? = nil, streams: StreamStateSource? = nil) {
        self.warm = warm
        self.streams = streams
    }

    /// The cache of one kind of row, created on first use; `keepsWrittenRows`: its flush also hands over each row
    /// as it was stored.
    func cache<Row>(_ name: String, of _: Row.Type, keepsWrittenRows: Bool = false) -> RowCache<Row> {
        if let cache = caches[name] as? RowCache<Row> { return cache }
        let cache = RowCache<Row>(name: name, warm: warm, keepsWrittenRows: keepsWrittenRows)
        caches[name] = cache
        return cache
    }

    /// Forgets every row (after a flush).
    func evict() { for cache in caches.values { (cache as? any Evictable)?.removeAll() } }

    /// What the flushes changed, for caches of query results (``ProjectionEngine/addChangeObserver(_:)``): e.g.
    /// a line of site 4201's review queue that was written (``ReviewComparisonProjection/queueChange(site:line:)``).
    private(set) var changes: Set<String> = []

    /// Notes a change (see ``changes``).
    func noteChange(_ change: String) { changes.insert(change) }
}

/// The rows the live path wrote in earlier transactions, each with the stream version of the last event folded into
/// it, so that the next append's fold starts from memory instead of loading and decoding the stored row (a
/// candidate's file, a review file) or, for the audit trail's field values, folding the subject's earlier events
/// again: loading them was ~40 % of every append's read-model work.
///
/// A row is used only for an event whose stream version is exactly one more than the row's. That one check covers
/// every way the memory could be stale: a transaction rolled back after the flush (the next event reuses the
/// version), another process appending to the same stream (its event took the version in between), an event this
/// projection skipped without noting it. Anything else is loaded from the table as before. Keys are stream ids.
///
/// Two generations approximate "least recently used" at O(1): a row found in the older one moves to the newer; when
/// the newer one holds `capacity` rows it becomes the older one and the previous older one is dropped.
public final class WarmRows: Sendable {
    // Rows are value types folded under the write lock and only read there; the lock guards the dictionaries.
    private struct Entry: @unchecked Sendable {
        let row: Any
        let version: Int
    }

    private struct Generations: @unchecked Sendable {
        var current: [String: Entry] = [:]
        var previous: [String: Entry] = [:]
    }

    private let generations = Mutex(Generations())
    // Rows flushed in the open transaction: remembered only once it commits (a rolled-back row must never be
    // mistaken for the row of another event that later takes the same version).
    private let staged = Mutex<[(key: String, entry: Entry?, advanceTo: Int?)]>([])
    /// Rows kept per generation.
    public let capacity: Int

    /// Creates an empty cache holding up to about `2 × capacity` rows.
    public init(capacity: Int = 2_048) { self.capacity = max(1, capacity) }

    private static func key(_ cache: String, _ stream: String) -> String { cache + "\u{0}" + stream }

    /// Takes the row of `stream` in `cache` out of memory, if it was folded up to exactly `version`; a row of
    /// another version is dropped (it can never be used).
    ///
    /// Taken, not copied: the fold then owns the row's only reference and changes its collections where they lie.
    /// Copied, every append copied a candidate's applications and entries and the audit trail's ~100 field values
    /// (copy on write, since memory still held the old row), then freed the old row when the new one replaced it
    /// (together ~7 % of the writer thread's time under the HTTP surge). Until the transaction commits and the
    /// row is staged again, the stream's next fold loads from the table; after a rollback, too.
    func take<Row>(_ cache: String, stream: String, at version: Int, as _: Row.Type) -> Row?? {
        let key = Self.key(cache, stream)
        let entry = generations.withLock { generations -> Entry? in
            if let found = generations.current.removeValue(forKey: key) { return found }
            return generations.previous.removeValue(forKey: key)
        }
        guard let entry, entry.version == version else { return nil }
        return entry.row as? Row?
    }

    /// Will remember the row of `stream` in `cache` as folded up to `version`, if the transaction commits.
    func stage<Row>(_ row: Row?, _ cache: String, stream: String, version: Int) {
        let entry = Entry(row: row as Any, version: version)
        staged.withLock { $0.append((Self.key(cache, stream), entry, nil)) }
    }

    /// Will move a remembered row from `version - 1` to `version` (an event the projection has nothing to fold for),
    /// if the transaction commits.
    func stageAdvance(_ cache: String, stream: String, to version: Int) {
        staged.withLock { $0.append((Self.key(cache, stream), nil, version)) }
    }

    /// Remembers what the committed transaction staged.
    public func commitStaged() {
        let changes = staged.withLock { staged in
            defer { staged.removeAll() }
            return staged
        }
        generations.withLock { generations in
            for (key, entry, advanceTo) in changes {
                if let entry {
                    Self.insert(entry, key, into: &generations, capacity: capacity)
                } else if let version = advanceTo {
                    let known = generations.current[key] ?? generations.previous[key]
                    if let known, known.version == version - 1 {
                        Self.insert(Entry(row: known.row, version: version), key, into: &generations, capacity: capacity)
                    } else {
                        generations.current[key] = nil
                        generations.previous[key] = nil
                    }
                }
            }
        }
    }

    /// Forgets what the rolled-back transaction staged.
    public func discardStaged() { staged.withLock { $0.removeAll() } }

    /// Forgets every row (after a rebuild's swap).
    public func removeAll() { generations.withLock { $0 = Generations() } }

    /// Rows held.
    public var count: Int { generations.withLock { $0.current.count + $0.previous.count } }

    private static func insert(_ entry: Entry, _ key: String, into generations: inout Generations, capacity: Int) {
        if generations.current[key] == nil, generations.current.count >= capacity {
            generations.previous = generations.current
            generations.current = [:]
        }
        generations.current[key] = entry
        generations.previous[key] = nil
    }
}

protocol Evictable: AnyObject {
    func removeAll()
}

/// Rows keyed by a stream id, with the keys changed since the last flush.
final class RowCache<Row>: Evictable {
    // Boxed so that folding mutates a row in place instead of copying it out of the dictionary and back.
    private final class Box {
        var row: Row?
        // The stream version of the last event folded into the row, when the caller gave versions.
        var version: Int?
        init(_ row: Row?, version: Int?) {
            self.row = row
            self.version = version
        }
    }

    private let name: String
    private let warm: WarmRows?
    private var rows: [String: Box] = [:]
    private var dirty: [Box] = []
    private var dirtyKeys: [String] = []
    private var isDirty: Set<String> = []
    // With `keepsWrittenRows`: each dirty row as it was before this flush's first change, i.e. as stored.
    private let keepsWrittenRows: Bool
    private var written: [Row?] = []
    // Streams not in `rows` whose events this batch skipped: the remembered row's version they start from, and
    // the version they reach.
    private var advanced: [String: (from: Int, to: Int)] = [:]

    init(name: String, warm: WarmRows?, keepsWrittenRows: Bool = false) {
        self.name = name
        self.warm = warm
        self.keepsWrittenRows = keepsWrittenRows
    }

    /// Folds one event into the row `key` (loading it first if it is not in memory): `(row?, event) -> row?`.
    /// `version` is the event's stream version (it lets a later batch start from this row without loading it).
    func fold(_ key: String, version: Int? = nil, load: (String) throws -> Row?, _ step: (Row?) -> Row?) rethrows {
        try update(key, version: version, load: load) { $0 = step($0) }
    }

    /// The same fold, mutating the row in place.
    func update(_ key: String, version: Int? = nil, load: (String) throws -> Row?, _ step: (inout Row?) -> Void) rethrows {
        let box: Box
        if let cached = rows[key] {
            box = cached
            box.version = box.version.flatMap { known in version.flatMap { known == $0 - 1 ? $0 : nil } }
        } else if let version, let warm, let warmRow = warm.take(name, stream: key, at: warmVersion(key, before: version), as: Row.self) {
            box = Box(warmRow, version: version)
            rows[key] = box
        } else {
            box = Box(try load(key), version: version)
            rows[key] = box
        }
        if isDirty.insert(key).inserted {
            dirty.append(box)
            dirtyKeys.append(key)
            if keepsWrittenRows { written.append(box.row) }
        }
        step(&box.row)
    }

    /// Notes an event of stream `key` that changes nothing in its row, so that the remembered row stays usable.
    func skip(_ key: String, version: Int) {
        if let cached = rows[key] {
            cached.version = cached.version == version - 1 ? version : nil
        } else if warm != nil {
            if let known = advanced[key], known.to == version - 1 {
                advanced[key] = (known.from, version)
            } else {
                advanced[key] = (version - 1, version)
            }
        }
    }

    /// The version a remembered row must have to be folded on with the event at `version`: the one before it, or
    /// the one before the events of this batch that skipped it.
    private func warmVersion(_ key: String, before version: Int) -> Int {
        guard let skipped = advanced.removeValue(forKey: key), skipped.to == version - 1 else { return version - 1 }
        return skipped.from
    }

    /// Writes every row changed since the last flush, in first-change order; `write` may change the row it writes
    /// (what it remembers of the stored row), and the row is remembered as changed.
    func flushInPlace(_ write: (String, inout Row?) throws -> Void) rethrows {
        for (key, box) in zip(dirtyKeys, dirty) { try write(key, &box.row) }
        endFlush()
    }

    /// Writes every row changed since the last flush, in first-change order.
    func flush(_ write: (String, Row?) throws -> Void) rethrows {
        try flushWithStored { key, _, row in try write(key, row) }
    }

    /// Writes every row changed since the last flush, in first-change order, with the row as it was stored before
    /// (nil when none was, or when the cache was not made with `keepsWrittenRows`): a read model whose rows are
    /// derived from a file writes only what differs.
    func flushWithStored(_ write: (_ key: String, _ stored: Row?, _ row: Row?) throws -> Void) rethrows {
        for (index, (key, box)) in zip(dirtyKeys, dirty).enumerated() {
            try write(key, keepsWrittenRows ? written[index] : nil, box.row)
        }
        endFlush()
    }

    /// After the rows are written: stages them (and the skipped streams' versions) for ``WarmRows`` and starts the
    /// next batch.
    private func endFlush() {
        written.removeAll(keepingCapacity: true)
        if let warm {
            for (key, skipped) in advanced {
                for version in (skipped.from + 1)...skipped.to { warm.stageAdvance(name, stream: key, to: version) }
            }
            for (key, box) in zip(dirtyKeys, dirty) {
                if let version = box.version { warm.stage(box.row, name, stream: key, version: version) }
            }
        }
        dirty.removeAll(keepingCapacity: true)
        dirtyKeys.removeAll(keepingCapacity: true)
        isDirty.removeAll(keepingCapacity: true)
        advanced.removeAll(keepingCapacity: true)
    }

    func removeAll() {
        rows.removeAll()
        written.removeAll()
        dirty.removeAll()
        dirtyKeys.removeAll()
        isDirty.removeAll()
        advanced.removeAll()
    }
}
