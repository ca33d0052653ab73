import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Plain SQLite connections for the small reads every command makes (a stream's tail, its snapshot, a request id,
/// a stream's version), run on the caller's thread.
///
/// GRDB's pool costs ~30 µs per synchronous read (taking a reader, `BEGIN`/`COMMIT`, its statement authorizer) and
/// ~150–200 µs per asynchronous one (the hop to its queue and back), while these reads take 2–20 µs in SQLite. Each
/// read here is one statement in autocommit mode, so it sees one committed state of the log; a connection serves one
/// caller at a time and goes back to the idle list afterwards.
final class ReadConnections: Sendable {
    private let path: String
    private let readOnly: Bool
    private let idle = Mutex<[ReadConnection]>([])

    init(path: String, readOnly: Bool) {
        self.path = path
        self.readOnly = readOnly
    }

    /// Runs `body` on an idle connection (opening one when none is idle).
    func read<T>(_ body: (ReadConnection) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? ReadConnection(path: path, readOnly: readOnly)
        defer { idle.withLock { $0.append(connection) } }
        return try body(connection)
    }
}

/// One SQLite connection with its prepared statements; used by one thread at a time (``ReadConnections`` hands it
/// out), which is what makes the unchecked `Sendable` sound.
final class ReadConnection: @unchecked Sendable {
    private let handle: SQLiteConnection
    private var statements: [String: SQLiteStatement] = [:]

    init(path: String, readOnly: Bool) throws {
        var handle: SQLiteConnection?
        // The connection is opened read-write (but query-only) when it may: a read-only connection to a WAL file
        // needs the -shm file to exist already.
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite3_close_v2(handle) }
            throw EventLogError.storage("cannot open \(path) for reading: \(message)")
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, 10_000)
        if !readOnly { sqlite3_exec(handle, "PRAGMA query_only = 1", nil, nil, nil) }
        // A stream's events lie on as many pages as it has events (appends interleave streams), and the default
        // 2 MB page cache holds a small part of a season's log: reading the file through a memory map saves a
        // system call and a copy per page.
        sqlite3_exec(handle, "PRAGMA mmap_size = \(Self.mapBytes)", nil, nil, nil)
    }

    /// The most of the database file a read connection maps (address space, not memory: pages stay in the OS cache).
    static let mapBytes = 1 << 30

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    // Event type names read on this connection: a load reads ~20 rows whose types are a few dozen names, so a name is
    // looked up here by its bytes instead of being built (and allocated) again for every row.
    private var typeNames: [String] = []

    /// The text of `column` as a type name seen before on this connection, else a new string (remembered while
    /// fewer than 256 are).
    func typeName(_ statement: RawStatement, column: Int32) -> String {
        let bytes = statement.bytes(column)
        for index in typeNames.indices {
            let matches = typeNames[index].utf8.withContiguousStorageIfAvailable { known in
                // An empty text has no buffer (SQLite hands out NULL), so only non-empty names are compared by bytes.
                known.count == bytes.count && (bytes.isEmpty || memcmp(known.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
            }
            if matches == true { return typeNames[index] }
        }
        let name = String(decoding: bytes, as: UTF8.self)
        if typeNames.count < 256 { typeNames.append(name) }
        return name
    }

    /// The prepared statement for `sql`, reset and unbound.
    func statement(_ sql: String) throws -> RawStatement {
        if let prepared = statements[sql] { return RawStatement(handle: prepared, connection: handle) }
        var prepared: SQLiteStatement?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard code == SQLITE_OK, let prepared else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
        statements[sql] = prepared
        return RawStatement(handle: prepared, connection: handle)
    }
}
