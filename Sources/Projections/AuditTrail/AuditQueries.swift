import Foundation
import GRDB

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
        limit: Int = 10_000
    ) async throws -> [AuditRecord] {
        try reader.readNow { db in
            var conditions = [String]()
            var arguments = StatementArguments()
            if let candidate {
                conditions.append("subject_id = ?")
                arguments += [candidate]
            }
            if let actor {
                conditions.append("actor_id = ?")
                arguments += [actor]
            }
            if let since {
                conditions.append("recorded_at >= ?")
                arguments += [since]
            }
            if let until {
                conditions.append("recorded_at < ?")
                arguments += [until]
            }
            if let field {
                conditions.append("(field = ? OR (field > ? AND field < ?) OR (field > ? AND field < ?))")
                // `.` and `[` are the two separators; `/` and `\` sort just after them.
                arguments += [field, field + ".", field + "/", field + "[", field + "\\"]
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT position, seq, subject_id, recorded_at, actor_id, role, channel, event_type, action, field, before, after,
                        reason, request_id, correlation_id, hash
                    FROM audit_trail \(whereClause) ORDER BY position, seq LIMIT ?
                    """,
                arguments: arguments + [limit]
            ).map { row in
                AuditRecord(
                    position: row["position"],
                    sequence: row["seq"],
                    subjectID: row["subject_id"],
                    recordedAt: row["recorded_at"],
                    actorID: row["actor_id"],
                    role: row["role"],
                    channel: row["channel"],
                    eventType: row["event_type"],
                    action: row["action"],
                    field: row["field"],
                    before: row["before"],
                    after: row["after"],
                    reason: row["reason"],
                    requestID: row["request_id"],
                    correlationID: row["correlation_id"],
                    hash: row["hash"]
                )
            }
        }
    }
}
