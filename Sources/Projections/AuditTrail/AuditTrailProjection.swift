import EventLog
import Foundation
import GRDB

/// The audit trail: one row per changed field of every event (candidate, season and staff streams), with who, when,
/// through which channel, why, and the event's hash.
///
/// Stored narrow: who, when, why and the hash once per event in `audit_events`, the changed fields in `audit_trail`
/// (an event changes five fields on average); `AuditQueries` joins them back into one record per field. Repeating
/// the event's ~300 bytes of columns on every field row, each row indexed four times, made the trail four times
/// the size of the log and most of every append's and every rebuild's writes.
///
/// The "before" of a change comes from the subject's current field values (``AuditFold``), which are not stored:
/// the engine keeps them in memory between appends (``WarmRows``) and otherwise folds them again from the subject's
/// earlier events in the log, a row of the trail depending on its stream's events only. Stored, the map was a 4 KB
/// blob rewritten by every append (its encoding and its overflow pages) and written again for every subject by every
/// rebuild.
///
/// ID numbers are stored as they are: masking is the HTTP layer's job, per role (an auditor sees them masked unless
/// the case needs them). The trail is as sensitive as the log itself.
public struct AuditTrailProjection: Projection {
    public let name = "audit_trail"
    /// 5: no index by subject (the log's own index of streams finds a subject's events) and the actor index only
    /// for events whose actor is not their subject. 6: a CHSI answer to an older scan arriving after a newer scan's
    /// no longer becomes the entry's current `chsi.*` values (it is recorded under its scan's path), as in the file.
    /// 7: a staff account's creation also records `staff.username` (from the append's username claim). 8: a
    /// correction of the ID number also records the application's pass number when it was that number. 9: a bank's
    /// failure report gives its reason to the `reason` column, as the other events that record one.
    public let version = 9
    public let tables = ["audit_events", "audit_trail"]
    /// Version 2 stored every subject's field values.
    public let retiredTables = ["audit_trail_values"]
    private let decoder = EventDecoder()

    /// Creates the projection.
    public init() {}

    public func createTables(_ t: TableNames) -> [String] {
        [
            """
            CREATE TABLE \(t("audit_events")) (
                position INTEGER PRIMARY KEY,
                subject_id TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                actor_id TEXT NOT NULL,
                role TEXT NOT NULL,
                channel TEXT NOT NULL,
                event_type TEXT NOT NULL,
                action TEXT NOT NULL,
                reason TEXT,
                request_id TEXT,
                correlation_id TEXT,
                hash TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE \(t("audit_trail")) (
                position INTEGER NOT NULL,
                seq INTEGER NOT NULL,
                field TEXT NOT NULL,
                field_kind TEXT NOT NULL,
                before TEXT,
                after TEXT,
                PRIMARY KEY (position, seq)
            ) WITHOUT ROWID
            """,
        ]
    }

    public func createIndexes(_ t: TableNames) -> [String] {
        [
            // A subject's events are found through the log's (stream_id, stream_version) index, which holds their
            // positions, and a candidate acting on their own file through it too: of the ~12 pages an append wrote,
            // these two indexes took ~3 (each at a random place), for entries the log already has.
            "CREATE INDEX audit_events_by_actor ON \(t("audit_events")) (actor_id, position) WHERE actor_id <> subject_id",
            "CREATE INDEX audit_events_by_time ON \(t("audit_events")) (recorded_at)",
            // By the path without its ids: an append adds at the end of a few of ~100 ranges instead of at a random
            // place per entry or application (12 % of the write rate, measured).
            "CREATE INDEX audit_trail_by_field_kind ON \(t("audit_trail")) (field_kind, position)",
        ]
    }

    /// The reason of an event: the metadata's, or the one the event itself records.
    static func reason(_ event: DecodedEvent) -> String? {
        if let reason = event.metadata.reason { return reason }
        switch event.payload {
        case .candidate(.basicInfoCorrected(let e)): return e.reason
        case .candidate(.applicationRejected(let e)): return e.reason
        case .candidate(.refundRecorded(let e)): return e.reason
        case .candidate(.paymentFailed(let e)): return e.reason
        case .staff(.deactivated(let e)): return e.reason
        case .staff(.reactivated(let e)): return e.reason
        default: return nil
        }
    }

    public func apply(_ events: [DecodedEvent], db: Database, tables t: TableNames, state: FoldState) throws {
        let subjects = state.cache("values", of: AuditFold.Values.self)
        let insertEvent = try db.cachedStatement(
            sql: """
                INSERT INTO \(t("audit_events")) (position, subject_id, recorded_at, actor_id, role, channel, event_type, action,
                    reason, request_id, correlation_id, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        let insertChange = try db.cachedStatement(
            sql: "INSERT INTO \(t("audit_trail")) (position, seq, field, field_kind, before, after) VALUES (?, ?, ?, ?, ?, ?)"
        )
        for event in events {
            var changes = [FieldChange]()
            try subjects.update(
                event.streamId,
                version: event.recorded.streamVersion,
                load: { key in try values(of: key, before: event.recorded.streamVersion, db) },
                { row in
                    // A file's map ends with ~100 paths: sized once rather than grown seven times.
                    var values = row ?? AuditFold.Values(minimumCapacity: 128)
                    row = nil
                    changes = AuditFold.apply(event.payload, to: &values)
                    // The account's username is no field of the event: the append that created it claimed it.
                    if case .staff(.created) = event.payload, let username = AuditFold.username(claimedBy: event.metadata.claims) {
                        values["staff.username"] = username
                        changes.append(FieldChange(field: "staff.username", before: nil, after: username))
                    }
                    row = values
                }
            )
            let metadata = event.metadata
            let eventRow = RawBinder(insertEvent)
            eventRow.reset()
            eventRow.bind(1, event.position)
            eventRow.bind(2, event.streamId)
            eventRow.bind(3, metadata.recordedAt)
            eventRow.bind(4, metadata.actorId)
            eventRow.bind(5, metadata.role)
            eventRow.bind(6, metadata.channel)
            eventRow.bind(7, event.recorded.type)
            eventRow.bind(8, AuditFold.action(event.recorded.type))
            eventRow.bind(9, Self.reason(event))
            eventRow.bind(10, metadata.requestId)
            eventRow.bind(11, metadata.correlationId)
            eventRow.bind(12, event.recorded.hash.hexString)
            try eventRow.step()
            let row = RawBinder(insertChange)
            for (seq, change) in changes.enumerated() {
                row.reset()
                row.bind(1, event.position)
                row.bind(2, Int64(seq))
                row.bind(3, change.field)
                row.bind(4, AuditFold.kind(of: change.field))
                row.bind(5, change.before)
                row.bind(6, change.after)
                try row.step()
            }
        }
    }

    public func flush(db: Database, tables t: TableNames, state: FoldState) throws {
        // Nothing to write: flushing hands the values to the engine's memory for the next append.
        state.cache("values", of: AuditFold.Values.self).flush { _, _ in }
    }

    /// A subject's field values before the event at `version`: its earlier events folded from the log.
    func values(of subject: String, before version: Int, _ db: Database) throws -> AuditFold.Values? {
        guard version > 1 else { return nil }
        var values = AuditFold.Values()
        for recorded in try SQLiteEventStore.readStream(db, subject, before: version) {
            _ = AuditFold.apply(try decoder.payload(of: recorded), to: &values)
        }
        return values
    }
}
