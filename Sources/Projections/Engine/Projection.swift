import EventLog
import Foundation
import GRDB
import RegistrarApp
import RegistrationDomain

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
    /// `CREATE TABLE` statements (with primary keys, without secondary indexes).
    func createTables(_ names: TableNames) -> [String]
    /// `CREATE INDEX` statements.
    func createIndexes(_ names: TableNames) -> [String]
    /// Folds a batch of events (in position order, each at most once) into the rows held in `state`, inside the
    /// caller's transaction; rows that are only ever appended may be written right away.
    func apply(_ events: [DecodedEvent], db: Database, tables: TableNames, state: FoldState) throws
    /// Writes the rows of `state` changed since the last flush.
    func flush(db: Database, tables: TableNames, state: FoldState) throws
}

/// A stored event decoded once per batch and shared by every projection.
public struct DecodedEvent: Sendable {
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

/// Decodes stored events of every family with today's codecs (through upcasters).
///
/// Events at their current schema version, the common case, go through ``FlatJSONDecoder``; older versions through
/// the family's codec and its upcasters.
public struct EventDecoder: Sendable {
    private let candidate = EventCodec<CandidateEvent>()
    private let season = EventCodec<SeasonEvent>()
    private let staff = EventCodec<StaffEvent>()
    private let types: [String: (family: Family, type: any DomainEvent.Type)]

    enum Family { case candidate, season, staff }

    /// Creates the decoder.
    public init() {
        var types = [String: (family: Family, type: any DomainEvent.Type)]()
        for type in CandidateEvent.payloadTypes { types[type.eventType] = (.candidate, type) }
        for type in SeasonEvent.payloadTypes { types[type.eventType] = (.season, type) }
        for type in StaffEvent.payloadTypes { types[type.eventType] = (.staff, type) }
        self.types = types
    }

    /// Decodes one event.
    public func decode(_ recorded: RecordedEvent) throws -> DecodedEvent {
        let metadata = try FlatJSONDecoder.decodeOrFallBack(EventMetadata.self, from: recorded.metadata)
        guard let (family, type) = types[recorded.type] else {
            return DecodedEvent(recorded: recorded, metadata: metadata, payload: .other)
        }
        var current: (any DomainEvent)?
        if recorded.schemaVersion == type.schemaVersion {
            current = try? Self.flat(type, recorded.data)
        }
        let payload: DecodedEvent.Payload
        switch family {
        case .candidate:
            payload = .candidate(try current.flatMap(CandidateEvent.init(payload:)) ?? candidate.decode(recorded))
        case .season:
            payload = .season(try current.flatMap(SeasonEvent.init(payload:)) ?? season.decode(recorded))
        case .staff:
            payload = .staff(try current.flatMap(StaffEvent.init(payload:)) ?? staff.decode(recorded))
        }
        return DecodedEvent(recorded: recorded, metadata: metadata, payload: payload)
    }

    private static func flat<Payload: DomainEvent>(_ type: Payload.Type, _ data: Data) throws -> any DomainEvent {
        try FlatJSONDecoder.decode(type, from: data)
    }

    /// Decodes a batch.
    public func decode(_ batch: [RecordedEvent]) throws -> [DecodedEvent] {
        try batch.map(decode)
    }
}

/// The rows a projection holds in memory while it folds: each touched row is loaded once, folded through all its
/// events, and written once when flushed. The live path flushes after every batch; a rebuild keeps the rows across
/// batches (its shadow tables hold nothing it did not write) and flushes when the cache grows large.
public final class FoldState: @unchecked Sendable {
    private var caches: [String: AnyObject] = [:]

    /// Creates an empty state.
    public init() {}

    /// The cache of one kind of row, created on first use.
    func cache<Row>(_ name: String, of _: Row.Type) -> RowCache<Row> {
        if let cache = caches[name] as? RowCache<Row> { return cache }
        let cache = RowCache<Row>()
        caches[name] = cache
        return cache
    }

    /// Rows held in memory.
    var rowCount: Int { caches.values.reduce(0) { $0 + (($1 as? any RowCounting)?.count ?? 0) } }

    /// Forgets every row (after a flush).
    func evict() { for cache in caches.values { (cache as? any RowCounting)?.removeAll() } }
}

protocol RowCounting: AnyObject {
    var count: Int { get }
    func removeAll()
}

/// Rows keyed by a string, with the keys changed since the last flush.
final class RowCache<Row>: RowCounting {
    // Boxed so that folding mutates a row in place instead of copying it out of the dictionary and back.
    private final class Box {
        var row: Row?
        init(_ row: Row?) { self.row = row }
    }

    private var rows: [String: Box] = [:]
    private var dirty: [Box] = []
    private var dirtyKeys: [String] = []
    private var isDirty: Set<String> = []

    var count: Int { rows.count }

    /// Folds one event into the row `key` (loading it first if it is not in memory): `(row?, event) -> row?`.
    func fold(_ key: String, load: (String) throws -> Row?, _ step: (Row?) -> Row?) rethrows {
        try update(key, load: load) { $0 = step($0) }
    }

    /// The same fold, mutating the row in place.
    func update(_ key: String, load: (String) throws -> Row?, _ step: (inout Row?) -> Void) rethrows {
        let box: Box
        if let cached = rows[key] {
            box = cached
        } else {
            box = Box(try load(key))
            rows[key] = box
        }
        step(&box.row)
        if isDirty.insert(key).inserted {
            dirty.append(box)
            dirtyKeys.append(key)
        }
    }

    /// Writes every row changed since the last flush, in first-change order.
    func flush(_ write: (String, Row?) throws -> Void) rethrows {
        for (key, box) in zip(dirtyKeys, dirty) { try write(key, box.row) }
        dirty.removeAll(keepingCapacity: true)
        dirtyKeys.removeAll(keepingCapacity: true)
        isDirty.removeAll(keepingCapacity: true)
    }

    func removeAll() {
        rows.removeAll()
        dirty.removeAll()
        dirtyKeys.removeAll()
        isDirty.removeAll()
    }
}
