import Foundation
import GRDB

/// What a file holds, as far as using it as an event log goes (see ``SQLiteEventStore/inspect(path:)``).
public enum LogFileKind: Equatable, Sendable {
    /// No file at the path.
    case missing
    /// An empty file, or a SQLite database without tables: a log can be created in it.
    case empty
    /// A Registrar event log (it has the log's `events` table).
    case eventLog
    /// A SQLite database with other tables and no event log (their names).
    case other(tables: [String])
}

extension SQLiteEventStore {
    /// Looks at the file at `path` without changing it (read-only, no migration), to tell a Registrar event log from
    /// another SQLite database before opening it as a log would turn it into one.
    public static func inspect(path: String) throws -> LogFileKind {
        guard FileManager.default.fileExists(atPath: path) else { return .missing }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            // As the store waits (`SQLiteEventStore.init`): another process holding a lock for a moment (a server,
            // the sqlite3 shell) is waited for, not reported as "database is locked".
            configuration.busyMode = .timeout(10)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let tables = try String.fetchAll(
                    db,
                    sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
                if tables.isEmpty { return .empty }
                if tables.contains("events") {
                    let columns = Set(try db.columns(in: "events").map(\.name))
                    if columns.isSuperset(of: ["position", "stream_id", "stream_version", "event_type", "hash"]) { return .eventLog }
                }
                return .other(tables: tables)
            }
        } catch {
            throw EventLogError.storage("cannot open \(path): \(describe(error))")
        }
    }
}
