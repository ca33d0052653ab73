import Foundation
import GRDB
import GRDBSQLite

/// Thin helpers over the SQLite C API for the hot paths (append, scans, verify), on statements GRDB prepared.
/// GRDB's argument boxing costs more than the work itself when an event is a few hundred bytes.
struct RawStatement {
    // Holding the GRDB statement keeps the SQLite handle alive (an uncached statement is finalized on release).
    let statement: Statement?
    let handle: SQLiteStatement
    let connection: SQLiteConnection?

    init(_ statement: Statement, in db: Database) {
        self.statement = statement
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// A statement prepared outside GRDB (the read connections), owned by its connection.
    init(handle: SQLiteStatement, connection: SQLiteConnection) {
        statement = nil
        self.handle = handle
        self.connection = connection
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ value: String) { sqlite3_bind_text(handle, index, value, -1, Self.transient) }
    func bindText(_ index: Int32, _ value: Data) {
        _ = value.withUnsafeBytes {
            sqlite3_bind_text(handle, index, $0.baseAddress?.assumingMemoryBound(to: CChar.self), Int32($0.count), Self.transient)
        }
    }
    func bindBlob(_ index: Int32, _ value: Data) {
        _ = value.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    /// Steps once: true when a row is available, false when done.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let message = String(cString: sqlite3_errmsg(connection))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
    }

    func finish() { sqlite3_reset(handle) }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        return String(cString: text)
    }
    func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        // sqlite3_column_blob before sqlite3_column_bytes, as SQLite documents, for text and blob alike.
        let pointer = sqlite3_column_blob(handle, column)
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
    }
    func data(_ column: Int32) -> Data {
        let buffer = bytes(column)
        return buffer.isEmpty ? Data() : Data(buffer)
    }
}

enum EventRow {
    static let columns = "position, stream_id, stream_version, event_type, schema_version, data, metadata, previous_hash, hash"

    static func decode(_ row: RawStatement) -> RecordedEvent {
        RecordedEvent(
            position: row.int64(0),
            streamId: row.string(1),
            streamVersion: Int(row.int64(2)),
            type: row.string(3),
            schemaVersion: Int(row.int64(4)),
            data: row.data(5),
            metadata: row.data(6),
            previousHash: row.data(7),
            hash: row.data(8)
        )
    }

    static func fetch(_ db: Database, sql: String, bind: (RawStatement) -> Void) throws -> [RecordedEvent] {
        let statement = RawStatement(try db.cachedStatement(sql: sql), in: db)
        bind(statement)
        defer { statement.finish() }
        var events = [RecordedEvent]()
        while try statement.step() { events.append(decode(statement)) }
        return events
    }
}
