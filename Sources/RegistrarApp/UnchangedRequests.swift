import EventLog
import Foundation
import GRDB

/// A request answered without an append: its decision changed nothing (the calendar the season has, a bank delivery
/// recorded already). Kept so that the request's id answers the same later, whatever has happened to the stream since,
/// and cannot be reused for another request: the log's own `requests` table knows only the ids of appends.
public struct UnchangedRequest: Sendable, Equatable {
    /// The stream the request was decided on.
    public var streamId: String
    /// The stream's version it was answered with.
    public var streamVersion: Int
    /// The request's fingerprint (method, path and body), when it had one.
    public var fingerprint: String?
}

/// The `unchanged_requests` table, in the event log's file beside it (as the credentials), outside the log.
public enum UnchangedRequestTable {
    /// Creates the table when missing.
    public static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS unchanged_requests (
                    request_id TEXT PRIMARY KEY,
                    stream_id TEXT NOT NULL,
                    stream_version INTEGER NOT NULL,
                    fingerprint TEXT,
                    recorded_at REAL NOT NULL
                ) WITHOUT ROWID
                """
        )
    }

    /// The request of this id answered without an append, if any.
    public static func find(_ requestId: String, in db: Database) throws -> UnchangedRequest? {
        try Row.fetchOne(
            db,
            sql: "SELECT stream_id, stream_version, fingerprint FROM unchanged_requests WHERE request_id = ?",
            arguments: [requestId]
        ).map { UnchangedRequest(streamId: $0["stream_id"], streamVersion: $0["stream_version"], fingerprint: $0["fingerprint"]) }
    }

    /// Remembers a request answered without an append; the first answer of an id is the one kept.
    public static func remember(_ requestId: String, _ request: UnchangedRequest, at date: Date, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO unchanged_requests (request_id, stream_id, stream_version, fingerprint, recorded_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING
                """,
            arguments: [requestId, request.streamId, request.streamVersion, request.fingerprint, date.timeIntervalSince1970]
        )
    }

    /// The outcome a retry of an unchanged request answers: the same, appending nothing. Refuses (as the log refuses a
    /// reused id of an append) an id first used on another stream or with another fingerprint. `streamId` nil: any
    /// stream (a caller that does not know yet which stream the request names).
    static func outcome<Event>(
        of requestId: String,
        fingerprint: String?,
        streamId: String?,
        in store: SQLiteEventStore
    ) throws
        -> CommandOutcome<Event>?
    {
        guard let earlier = try store.pool.readNow({ db in try find(requestId, in: db) }) else { return nil }
        if let streamId, earlier.streamId != streamId {
            throw EventLogError.requestIdReused(requestId: requestId, streamId: earlier.streamId)
        }
        if let fingerprint, let stored = earlier.fingerprint, stored != fingerprint {
            throw EventLogError.requestIdReused(requestId: requestId, streamId: earlier.streamId)
        }
        return CommandOutcome(events: [], append: nil, streamVersion: earlier.streamVersion, repeatsUnchangedRequest: true)
    }
}
