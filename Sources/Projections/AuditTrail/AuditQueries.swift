import EventLog
import Foundation
import GRDB
import RegistrarApp
import RegistrationDomain

/// One changed field of one event, as the auditor reads it.
public struct AuditRecord: Codable, Sendable, Equatable {
    /// The event's global position.
    public var position: Int64
    /// The change's index within the event.
    public var sequence: Int
    /// The stream: a candidate id, `season-…` or a staff id.
    public var subjectID: String
    /// When (ISO-8601 UTC).
    public var recordedAt: String
    /// Who.
    public var actorID: String
    /// The actor's role.
    public var role: String
    /// Through which channel.
    public var channel: String
    /// The event type.
    public var eventType: String
    /// The event in plain words.
    public var action: String
    /// The field path (empty when the event changed no field).
    public var field: String
    /// The value before (ID numbers unmasked: mask per role when rendering).
    public var before: String?
    /// The value after.
    public var after: String?
    /// Why.
    public var reason: String?
    /// The request id.
    public var requestID: String?
    /// The correlation id.
    public var correlationID: String?
    /// The event's hash in the chain (hex).
    public var hash: String
}

extension AuditRecord {
    /// The columns of every CSV export of the trail (`registrar trace --format csv` and the pages' `/audit.csv`),
    /// in order: one spelling, so that either file can be checked against the other.
    public static let csvColumns = [
        "position", "recorded_at", "subject", "actor", "actor_name", "role", "channel", "event", "action", "field", "before", "after",
        "reason", "request_id", "correlation_id", "hash",
    ]

    /// The UTF-8 byte order mark every CSV export starts with: Excel on a Chinese Windows reads a file without it in
    /// the system's code page (GBK) and garbles the Chinese.
    public static let csvByteOrderMark = "\u{FEFF}"

    /// The cells of the record, as ``csvColumns`` names them (not yet escaped: ``CSVField/escape(_:alwaysQuoted:)``);
    /// `actorName`: who the actor is (`审核员甲（reviewer01）`), empty for ids without an account.
    public func csvCells(actorName: String) -> [String] {
        [
            String(position), recordedAt, subjectID, actorID, actorName, role, channel, eventType, action, field, before ?? "",
            after ?? "", reason ?? "", requestID ?? "", correlationID ?? "", hash,
        ]
    }

    /// The record with every text value escaped for output read line by line (``DisplayText``).
    public var escapedForDisplay: AuditRecord {
        var record = self
        record.subjectID = DisplayText.escaped(subjectID)
        record.actorID = DisplayText.escaped(actorID)
        record.role = DisplayText.escaped(role)
        record.channel = DisplayText.escaped(channel)
        record.action = DisplayText.escaped(action)
        record.field = DisplayText.escaped(field)
        record.before = DisplayText.escaped(before)
        record.after = DisplayText.escaped(after)
        record.reason = DisplayText.escaped(reason)
        record.requestID = DisplayText.escaped(requestID)
        record.correlationID = DisplayText.escaped(correlationID)
        return record
    }
}

/// Where a page of the audit trail ended: the next page starts after this record (trail order: position, then the
/// change's index within the event).
public struct AuditCursor: Sendable, Equatable {
    /// The record's event position.
    public var position: Int64
    /// The record's index within the event.
    public var sequence: Int

    /// Creates a cursor after the record with these keys.
    public init(position: Int64, sequence: Int) {
        self.position = position
        self.sequence = sequence
    }

    /// The cursor after `record`.
    public init(after record: AuditRecord) { self.init(position: record.position, sequence: record.sequence) }

    /// The cursor as a client passes it back: `POSITION.SEQUENCE`, e.g. `1042.3`.
    public var token: String { "\(position).\(sequence)" }

    /// The cursor a token stands for; nil for anything `token` does not produce.
    public init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ (1...18).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let position = Int64(parts[0]), let sequence = Int(parts[1]), String(position) == parts[0], String(sequence) == parts[1]
        else { return nil }
        self.init(position: position, sequence: sequence)
    }
}

/// What a page of the audit trail is filtered by (any combination; see
/// ``AuditQueries/trail(candidate:actor:since:until:field:after:limit:)``).
public struct AuditFilter: Sendable, Equatable {
    /// The subject (a candidate id).
    public var candidate: String?
    /// Who acted.
    public var actor: String?
    /// From this instant (inclusive, ISO-8601 UTC).
    public var since: String?
    /// Until this instant (exclusive).
    public var until: String?
    /// A field path and everything under it.
    public var field: String?

    /// The form `recorded_at` holds (`2026-01-12T03:00:00.000Z`) of a bound typed as ISO 8601 (`…:00Z`, with a
    /// fraction, or with an offset such as `+08:00`), or nil when the text is not an instant: `since` and `until` are
    /// compared as text, so they must be in that one form. A date alone (`2026-01-12`) is that day in Beijing time, as
    /// people name days: its start, or with `endOfDay` (for `until`, which is exclusive) the start of the next day, so
    /// that `until=2026-01-12` takes in the whole of the 12th.
    public static func bound(_ text: String, endOfDay: Bool = false) -> String? {
        if let day = CalendarDate(iso: text), let start = Instant.date(fromISO8601: "\(day)T00:00:00+08:00") {
            return Instant.string(from: endOfDay ? start.addingTimeInterval(24 * 3600) : start)
        }
        return Instant.date(fromISO8601: text).map(Instant.string(from:))
    }

    /// Creates a filter.
    public init(candidate: String? = nil, actor: String? = nil, since: String? = nil, until: String? = nil, field: String? = nil) {
        self.candidate = candidate
        self.actor = actor
        self.since = since
        self.until = until
        self.field = field
    }
}

/// One page of the audit trail.
public struct AuditPage: Sendable, Equatable {
    /// The records, oldest first.
    public var records: [AuditRecord]
    /// Where the next page starts; nil on the last page.
    public var next: AuditCursor?
}

/// Queries of the audit trail.
public struct AuditQueries: Sendable {
    /// Where the read model lives.
    public let reader: any DatabaseReader

    /// Creates the queries over a database.
    public init(_ reader: any DatabaseReader) { self.reader = reader }

    /// The trail, oldest first, filtered by any combination of subject (candidate id), actor, time range
    /// (`since <= recordedAt < until`, ISO-8601 text) and field. A field matches itself and everything under it:
    /// `education[e1]` matches `education[e1].school`, `basic` matches `basic.name`.
    public func trail(
        candidate: String? = nil,
        actor: String? = nil,
        since: String? = nil,
        until: String? = nil,
        field: String? = nil,
        after: AuditCursor? = nil,
        limit: Int = 10_000
    ) async throws -> [AuditRecord] {
        let (sql, arguments) = Self.statement(
            candidate: candidate,
            actor: actor,
            since: since,
            until: until,
            field: field,
            after: after,
            limit: limit
        )
        return try reader.readNow { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                AuditRecord(
                    position: row[0],
                    sequence: row[1],
                    subjectID: row[2],
                    recordedAt: row[3],
                    actorID: row[4],
                    role: row[5],
                    channel: row[6],
                    eventType: row[7],
                    action: row[8],
                    field: row[9],
                    before: row[10],
                    after: row[11],
                    reason: row[12],
                    requestID: row[13],
                    correlationID: row[14],
                    hash: row[15]
                )
            }
        }
    }

    /// A page of the trail: at most `limit` records of `filter` after `after`, and where the next page starts when
    /// more follow.
    public func page(_ filter: AuditFilter, after: AuditCursor? = nil, limit: Int) async throws -> AuditPage {
        // One more than the page is read to learn whether more follow: Int.max would overflow.
        let limit = min(max(1, limit), Int.max - 1)
        let records = try await trail(
            candidate: filter.candidate,
            actor: filter.actor,
            since: filter.since,
            until: filter.until,
            field: filter.field,
            after: after,
            limit: limit + 1
        )
        let page = firstPage(of: records, limit: limit, cursor: AuditCursor.init(after:))
        return AuditPage(records: page.items, next: page.next)
    }

    /// The trail's statement and arguments (``trail(candidate:actor:since:until:field:after:limit:)``; tests read its
    /// plan).
    static func statement(
        candidate: String?,
        actor: String?,
        since: String?,
        until: String?,
        field: String?,
        after: AuditCursor? = nil,
        limit: Int
    ) -> (sql: String, arguments: StatementArguments) {
        var conditions = [String]()
        var arguments = StatementArguments()
        // A stream's events through the log's index of streams (a stream is one file: small).
        let inStream = "e.position IN (SELECT position FROM events WHERE stream_id = ?)"
        if let candidate {
            conditions.append(inStream)
            arguments += [candidate]
        }
        if let after {
            // A range of positions on both sides of the join, so that whichever index leads a branch starts there;
            // then the records of the cursor's event after its own.
            conditions.append("c.position >= ? AND e.position >= ? AND (c.position > ? OR c.seq > ?)")
            arguments += [after.position, after.position, after.position, after.sequence]
        }
        if let since {
            conditions.append("e.recorded_at >= ?")
            arguments += [since]
        }
        if let until {
            conditions.append("e.recorded_at < ?")
            arguments += [until]
        }
        if let field {
            // `.` and `[` are the two separators; `/` and `\` sort just after them. The same prefix on the path
            // without ids first, which the index has, then on the path itself.
            if let kind = AuditFold.kindIfClosed(field) {
                conditions.append("(c.field_kind = ? OR (c.field_kind > ? AND c.field_kind < ?) OR (c.field_kind > ? AND c.field_kind < ?))")
                arguments += [kind, kind + ".", kind + "/", kind + "[", kind + "\\"]
            }
            conditions.append("(c.field = ? OR (c.field > ? AND c.field < ?) OR (c.field > ? AND c.field < ?))")
            arguments += [field, field + ".", field + "/", field + "[", field + "\\"]
        }
        // The position from the event's side in the actor's branches (equal by the join): SQLite then sees
        // each branch ordered by the actor index's positions and merges them instead of sorting each.
        func select(_ position: String) -> String {
            """
            SELECT \(position), c.seq, e.subject_id, e.recorded_at, e.actor_id, e.role, e.channel, e.event_type, e.action,
                c.field, c.before, c.after, e.reason, e.request_id, e.correlation_id, e.hash
            FROM audit_trail AS c JOIN audit_events AS e ON e.position = c.position
            """
        }
        func whereClause(_ more: [String]) -> String {
            let all = more + conditions
            return all.isEmpty ? "" : "WHERE " + all.joined(separator: " AND ")
        }
        let sql: String
        if let actor {
            // Two branches, each in position order, merged up to the limit: the actor's events in other
            // subjects' streams through the partial actor index, and in the actor's own stream (a candidate
            // acting on their own file) through the log's index. An `IN` over both would first collect every
            // position of an actor such as CHSI, whose events are a large part of the log.
            sql = """
                \(select("e.position")) \(whereClause(["e.actor_id = ?", "e.actor_id <> e.subject_id"]))
                UNION ALL
                \(select("e.position")) \(whereClause([inStream, "e.actor_id = ?"]))
                ORDER BY 1, 2 LIMIT ?
                """
            let shared = arguments
            arguments = [actor]
            arguments += shared
            arguments += [actor, actor]
            arguments += shared
            arguments += [limit]
        } else {
            sql = "\(select("c.position")) \(whereClause([])) ORDER BY c.position, c.seq LIMIT ?"
            arguments += [limit]
        }
        return (sql, arguments)
    }
}

extension AuditRecord {
    /// The record with its before and after masked when its field is an ID number (``Masking/isIDNumberPath(_:)``).
    public func maskingIDNumbers() -> AuditRecord {
        var record = self
        // Staff write numbers into reasons too: the row's reason, and the reasons the file keeps as fields.
        record.reason = reason.map(Masking.personalData(inText:))
        if Masking.isIDNumberPath(field) {
            // The row's own numbers, of any document, where its reason quotes them (a pass's is not told by its shape).
            record.reason = record.reason.map { Masking.masking([before, after].compactMap { $0 }, inText: $0) }
            record.before = before.map(Masking.idNumber)
            record.after = after.map(Masking.idNumber)
        } else if Masking.isBirthDatePath(field) {
            record.before = before.map(Masking.birthDate)
            record.after = after.map(Masking.birthDate)
        } else if field.hasSuffix("reason") || field.hasSuffix("Reason") {
            record.before = before.map(Masking.personalData(inText:))
            record.after = after.map(Masking.personalData(inText:))
        }
        return record
    }
}
