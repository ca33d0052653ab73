import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Plain SQLite connections for the small reads every command makes (a stream's tail, its snapshot, a request id,
/// a stream's version), run on the caller's thread.
///
/// GRDB's pool costs ~30 µs per synchronous read (taking a reader, `BEGIN`/`COMMIT`, its statement authorizer) and
/// ~150–200 µs per asynchronous one (the hop to its queue and back), while these reads take 2–20 µs in SQLite. Each
/// read sees one committed state of the log; a connection serves one caller at a time and goes back to the idle list
/// afterwards.
///
/// With a `hold`, a connection keeps its read transaction open between reads for as long as nothing is committed to
/// the log (by any connection, in any process; see ``ReadConnection/beginRead()``), which saves the locking of a new
/// read transaction (~2.5 µs of a 14 µs snapshot load on this machine). That is for a log at rest, read by reviewers,
/// auditors or a replay: once this process writes, idle connections end their transactions (a WAL starts over only
/// when its writer finds no reader in it) and reads keep none until it has not written for the hold. An idle
/// connection also ends its transaction once idle for the hold (for the writes of other processes).
final class ReadConnections: Sendable {
    private let path: String
    private let readOnly: Bool
    private let holdNanoseconds: UInt64?
    private let idle = Mutex<IdleConnections>(IdleConnections())
    /// When this process last began to write to the log (`DispatchTime` nanoseconds; 0: not yet).
    private let lastWriteNanoseconds = Atomic<UInt64>(0)
    /// Whether an idle connection may hold a transaction: set with the idle list's lock when one goes back holding,
    /// cleared with it when none does. The writer reads it without the lock, so that a steady write load (under which
    /// reads keep no transaction) never has its one writer thread wait for the lock of the readers' list.
    private let idleMayHoldTransaction = Atomic<Bool>(false)

    private struct IdleConnections {
        var connections: [ReadConnection] = []
        /// Whether a sweep of idle transactions is due.
        var sweepScheduled = false
    }

    init(path: String, readOnly: Bool, hold: Duration?) {
        self.path = path
        self.readOnly = readOnly
        holdNanoseconds = hold.map { UInt64(max(0, $0.nanoseconds)) }
    }

    /// Runs `body` on an idle connection (opening one when none is idle).
    func read<T>(_ body: (ReadConnection) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.connections.popLast() } ?? ReadConnection(path: path, readOnly: readOnly)
        defer { giveBack(connection) }
        if let holdNanoseconds {
            // While this process writes, a kept transaction would seldom serve a second read and would keep the WAL
            // from starting over: reads are then transactions of their own, as without a hold.
            let lastWrite = lastWriteNanoseconds.load(ordering: .relaxed)
            if lastWrite == 0 || DispatchTime.now().uptimeNanoseconds &- lastWrite >= holdNanoseconds {
                connection.beginRead()
            } else {
                connection.endTransaction()
            }
        }
        return try body(connection)
    }

    /// Called before this process writes to the log: ends the idle connections' transactions (a WAL starts over only
    /// when its writer finds no reader in it), and reads keep none for a hold from now.
    func willWrite() {
        guard holdNanoseconds != nil else { return }
        lastWriteNanoseconds.store(max(1, DispatchTime.now().uptimeNanoseconds), ordering: .relaxed)
        if idleMayHoldTransaction.load(ordering: .acquiring) { endIdleTransactions() }
    }

    /// Ends the read transactions that idle connections hold, whatever their age: before a write and before a
    /// checkpoint that must find no reader.
    func endIdleTransactions() {
        idle.withLock { idle in
            for connection in idle.connections { connection.endTransaction() }
            idleMayHoldTransaction.store(false, ordering: .releasing)
        }
    }

    private func giveBack(_ connection: ReadConnection) {
        // A transaction that a commit overtook while it was read from is of no further use.
        if connection.holdsTransaction && !connection.transactionIsCurrent { connection.endTransaction() }
        if connection.holdsTransaction { connection.idleSince = DispatchTime.now().uptimeNanoseconds }
        let scheduleSweep = idle.withLock { idle in
            idle.connections.append(connection)
            guard connection.holdsTransaction else { return false }
            idleMayHoldTransaction.store(true, ordering: .releasing)
            guard !idle.sweepScheduled else { return false }
            idle.sweepScheduled = true
            return true
        }
        if scheduleSweep { scheduleSweepOfIdleTransactions() }
    }

    private func scheduleSweepOfIdleTransactions() {
        guard let holdNanoseconds else { return }
        DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + .nanoseconds(Int(min(holdNanoseconds, 1 << 62)))) {
            [weak self] in self?.sweepIdleTransactions()
        }
    }

    // Ends the transactions idle for the hold; the ones idle for less are looked at again a hold later.
    private func sweepIdleTransactions() {
        guard let holdNanoseconds else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let again = idle.withLock { idle in
            var stillHeld = false
            for connection in idle.connections where connection.holdsTransaction {
                if now &- connection.idleSince >= holdNanoseconds {
                    connection.endTransaction()
                } else {
                    stillHeld = true
                }
            }
            idle.sweepScheduled = stillHeld
            idleMayHoldTransaction.store(stillHeld, ordering: .releasing)
            return stillHeld
        }
        if again { scheduleSweepOfIdleTransactions() }
    }
}

extension Duration {
    /// The whole nanoseconds of the duration.
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

/// The text of a read statement and a number of its own, by which every read connection finds its prepared copy:
/// the text is hashed once, when the statement is declared, not at each read (hashing and comparing a 300-byte text
/// was ~5 % of a snapshot load). Declared once, as a `static let`.
struct ReadSQL: Sendable {
    /// The statement's text.
    let text: String
    /// Its index in each connection's statements.
    let key: Int

    private static let keys = Atomic<Int>(0)

    init(_ text: String) {
        self.text = text
        key = Self.keys.add(1, ordering: .relaxed).oldValue
    }
}

/// One SQLite connection with its prepared statements; used by one thread at a time (``ReadConnections`` hands it
/// out), which is what makes the unchecked `Sendable` sound.
final class ReadConnection: @unchecked Sendable {
    private let handle: SQLiteConnection
    private var statements: [String: SQLiteStatement] = [:]
    /// Statements of ``ReadSQL`` texts, by key.
    private var keyedStatements: [SQLiteStatement?] = []
    private static let beginSQL = ReadSQL("BEGIN DEFERRED")
    private static let commitSQL = ReadSQL("COMMIT")
    private static let journalModeSQL = ReadSQL("PRAGMA journal_mode")

    /// The WAL-index header (the first 96 bytes of the `-shm` file: two copies of SQLite's 48-byte `WalIndexHdr`,
    /// <https://sqlite.org/walformat.html#the_wal_index_file_format>) in SQLite's own mapping, once this connection
    /// has read in WAL mode; nil before that, or when the database is not in WAL mode (reads are then in autocommit).
    private var walIndex: UnsafeRawPointer?
    private var mappingTried = false
    private var hasRead = false
    /// The header as it was just before the open read transaction began.
    private let headerAtBegin = UnsafeMutableRawPointer.allocate(byteCount: ReadConnection.headerBytes, alignment: 8)
    private static let headerBytes = 96

    /// When the connection last went back to the idle list holding a transaction (`DispatchTime` nanoseconds).
    var idleSince: UInt64 = 0

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
        for statement in keyedStatements { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
        headerAtBegin.deallocate()
    }

    /// Whether the connection is inside a read transaction.
    var holdsTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Readies the connection for a read that must see everything committed before this call: keeps the open read
    /// transaction when the WAL-index header is byte for byte what it was when the transaction began, else ends it
    /// and begins another.
    ///
    /// Every commit changes the header (SQLite counts transactions in it, `iChange`, and its frame count and checksum
    /// move), and so does a WAL that starts over, whichever connection or process did it; SQLite itself reads the
    /// header without a lock the same way to decide whether its page cache is still good. The header is copied
    /// *before* the new transaction takes its snapshot, so a commit that lands in between makes the next comparison
    /// fail, never pass: a kept transaction is one no commit has happened since.
    func beginRead() {
        defer { hasRead = true }
        if holdsTransaction {
            if transactionIsCurrent { return }
            endTransaction()
        }
        guard let walIndex = mappedWalIndex() else { return }
        memcpy(headerAtBegin, walIndex, Self.headerBytes)
        // A BEGIN that fails leaves the connection in autocommit: the read is then a transaction of its own.
        run(Self.beginSQL)
    }

    /// Whether nothing has been committed since the open read transaction began.
    var transactionIsCurrent: Bool {
        guard let walIndex else { return false }
        return memcmp(walIndex, headerAtBegin, Self.headerBytes) == 0
    }

    /// Ends the open read transaction, if any.
    func endTransaction() {
        guard holdsTransaction else { return }
        run(Self.commitSQL)
    }

    private func run(_ sql: ReadSQL) {
        guard let statement = try? statement(sql) else { return }
        defer { statement.finish() }
        _ = try? statement.step()
    }

    // The header is asked of SQLite only after this connection's first read, when the connection has the WAL index
    // open. Opening the -shm file here instead would be wrong: SQLite's locks are POSIX record locks, and closing any
    // descriptor of a file drops every lock the process holds on it (a test checks that they stay).
    private func mappedWalIndex() -> UnsafeRawPointer? {
        if let walIndex { return walIndex }
        guard hasRead, !mappingTried else { return nil }
        mappingTried = true
        guard let mode = try? singleText(Self.journalModeSQL), mode.lowercased() == "wal" else { return nil }
        // The main database file's VFS handle, and through it the first region of the WAL index as SQLite mapped it
        // (`xShmMap` without extending: the region exists once the connection has read in WAL mode). It stays
        // mapped for as long as the connection has the database open in WAL mode, which is its whole life here.
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(handle, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK, let file,
            let methods = file.pointee.pMethods, methods.pointee.iVersion >= 2, let map = methods.pointee.xShmMap
        else { return nil }
        var region: UnsafeMutableRawPointer?
        guard map(file, 0, Self.walIndexRegionBytes, 0, &region) == SQLITE_OK, let region else { return nil }
        walIndex = UnsafeRawPointer(region)
        return walIndex
    }

    /// The size of a WAL-index region (SQLite's `WALINDEX_PGSZ`); every caller of `xShmMap` must ask for this size.
    private static let walIndexRegionBytes: Int32 = 32_768

    private func singleText(_ sql: ReadSQL) throws -> String? {
        let statement = try statement(sql)
        defer { statement.finish() }
        return try statement.step() ? statement.string(0) : nil
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
    func statement(_ sql: ReadSQL) throws -> RawStatement {
        if sql.key < keyedStatements.count, let prepared = keyedStatements[sql.key] {
            return RawStatement(handle: prepared, connection: handle)
        }
        let prepared = try prepare(sql.text)
        if sql.key >= keyedStatements.count { keyedStatements.append(contentsOf: repeatElement(nil, count: sql.key + 1 - keyedStatements.count)) }
        keyedStatements[sql.key] = prepared
        return RawStatement(handle: prepared, connection: handle)
    }

    /// The prepared statement for a text built at run time, reset and unbound.
    func statement(_ sql: String) throws -> RawStatement {
        if let prepared = statements[sql] { return RawStatement(handle: prepared, connection: handle) }
        let prepared = try prepare(sql)
        statements[sql] = prepared
        return RawStatement(handle: prepared, connection: handle)
    }

    private func prepare(_ sql: String) throws -> SQLiteStatement {
        var prepared: SQLiteStatement?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard code == SQLITE_OK, let prepared else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
        return prepared
    }
}
