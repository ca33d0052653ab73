import Crypto
import Foundation
import GRDBSQLite

/// The baseline every event-log figure is divided by: a plain loop over the SQLite C API with prepared statements,
/// on the same events table, the same pragmas and the same hash chain, doing nothing the store does not have to do.
enum RawBaseline {
    /// The events table and its append-only triggers, copied from `EventLogSchema` (migration `eventlog-v1`).
    /// `EventLogBench` checks at run time that the store creates exactly this, so the copy cannot drift unnoticed.
    static let eventsDDL = """
        CREATE TABLE events (
            position INTEGER PRIMARY KEY,
            stream_id TEXT NOT NULL,
            stream_version INTEGER NOT NULL CHECK (stream_version >= 1),
            event_type TEXT NOT NULL,
            schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
            data TEXT NOT NULL CHECK (json_valid(data)),
            metadata TEXT NOT NULL CHECK (json_valid(metadata)),
            previous_hash BLOB NOT NULL,
            hash BLOB NOT NULL,
            UNIQUE (stream_id, stream_version)
        );
        CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
        CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
        """

    static let columns = "position, stream_id, stream_version, event_type, schema_version, data, metadata, previous_hash, hash"

    /// Creates a fresh file with the events table, in WAL mode with `synchronous=FULL`, as the store does.
    static func create(path: String) throws -> RawConnection {
        let connection = try RawConnection(path: path)
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = FULL")
        try connection.execute(eventsDDL)
        return connection
    }

    // MARK: Appends

    /// Appends `count` events, `perTransaction` to a transaction, continuing the chain at the table's head.
    /// Returns the latency of each transaction in seconds.
    static func append(
        _ connection: RawConnection,
        events: SampleEvents,
        layout: StreamLayout,
        range: Range<Int>,
        perTransaction: Int
    ) throws -> [Double] {
        let begin = try connection.prepare("BEGIN IMMEDIATE")
        let commit = try connection.prepare("COMMIT")
        let insert = try connection.prepare("INSERT INTO events (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        var (position, previous) = try head(connection)
        var latencies = [Double]()
        latencies.reserveCapacity(range.count / perTransaction + 1)
        var index = range.lowerBound
        while index < range.upperBound {
            let start = ContinuousClock.now
            try begin.run()
            let end = min(index + perTransaction, range.upperBound)
            for event in index..<end {
                position += 1
                let (stream, version) = layout.place(event)
                let hash = events.chainHash(previous: previous, position: position, stream: stream, version: version)
                insert.bind(1, position)
                insert.bindText(2, events.streamIds[stream])
                insert.bind(3, Int64(version))
                insert.bindText(4, events.type)
                insert.bind(5, 1)
                insert.bindText(6, events.data)
                insert.bindText(7, events.metadata)
                insert.bindBlob(8, previous)
                insert.bindBlob(9, hash)
                try insert.run()
                previous = hash
            }
            try commit.run()
            latencies.append(Stopwatch.seconds(ContinuousClock.now - start))
            index = end
        }
        return latencies
    }

    static func head(_ connection: RawConnection) throws -> (Int64, [UInt8]) {
        let query = try connection.prepare("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1")
        guard try query.step() else { return (0, [UInt8](repeating: 0, count: 32)) }
        return (query.int64(0), Array(query.bytes(1)))
    }

    // MARK: Reads

    /// Reads every event of each stream, one query per stream; returns each query's latency in seconds.
    static func readStreams(_ connection: RawConnection, ids: [[UInt8]]) throws -> [Double] {
        let query = try connection.prepare("SELECT \(columns) FROM events WHERE stream_id = ? ORDER BY stream_version")
        var latencies = [Double]()
        latencies.reserveCapacity(ids.count)
        var checksum = 0
        for id in ids {
            let start = ContinuousClock.now
            query.bindText(1, id)
            while try query.step() { checksum &+= query.touchAllColumns() }
            query.reset()
            latencies.append(Stopwatch.seconds(ContinuousClock.now - start))
        }
        guard checksum != 0 else { throw BenchError("raw stream reads returned nothing") }
        return latencies
    }

    /// Reads every column of every row in position order; with `hash`, recomputes each row's chain hash and checks
    /// it against the stored one (what a verifier has to do at the least). Returns the number of rows.
    static func scan(_ connection: RawConnection, hash: Bool) throws -> Int {
        let query = try connection.prepare("SELECT \(columns) FROM events ORDER BY position")
        var rows = 0
        var checksum = 0
        var previous = [UInt8](repeating: 0, count: 32)
        while try query.step() {
            checksum &+= query.touchAllColumns()
            if hash {
                let digest = previous.withUnsafeBytes { previous in
                    SampleEvents.chainHash(
                        previous: previous,
                        position: query.int64(0),
                        stream: query.bytes(1),
                        version: query.int64(2),
                        type: query.bytes(3),
                        schemaVersion: query.int64(4),
                        data: query.bytes(5),
                        metadata: query.bytes(6)
                    )
                }
                guard digest.withUnsafeBytes({ $0.elementsEqual(query.bytes(8)) }) else {
                    throw BenchError("raw scan: hash mismatch at row \(rows + 1)")
                }
                previous = Array(digest)
            }
            rows += 1
        }
        guard checksum != 0 else { throw BenchError("raw scan read nothing") }
        return rows
    }
}

/// Where event number `i` of a run goes: round-robin over `streams` streams, so a stream's events are spread over
/// the log as they are in production (a stream's rows are not adjacent on disk).
struct StreamLayout: Sendable {
    let streams: Int

    func place(_ index: Int) -> (stream: Int, version: Int) { (index % streams, index / streams + 1) }
}

/// The event every scenario writes: one realistic payload and metadata, encoded once.
struct SampleEvents: Sendable {
    let type = Array("CandidateProfileUpdated".utf8)
    /// Canonical JSON payload with Chinese text, ~350 bytes.
    let data: [UInt8]
    /// Canonical JSON metadata as the store writes it.
    let metadata: [UInt8]
    let streamIds: [[UInt8]]

    static let payload: [String: String] = [
        "candidateId": "cand-20260110-000123",
        "name": "欧阳明华",
        "idNumber": "110101199804170034",
        "school": "北京大学医学部",
        "degree": "临床医学本科",
        "category": "临床执业医师",
        "trainingBase": "北京协和医院住院医师规范化培训基地",
        "address": "北京市海淀区学院路38号",
        "phone": "13800138000",
        "email": "ouyang.minghua@example.cn",
        "note": "补充上传学历证明，请审核",
    ]

    init(streamPrefix: String, streams: Int, metadata: Data) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        data = Array(try encoder.encode(Self.payload))
        self.metadata = Array(metadata)
        streamIds = (0..<streams).map { Array(Self.streamId(prefix: streamPrefix, $0).utf8) }
    }

    static func streamId(prefix: String, _ index: Int) -> String {
        let digits = String(index)
        return prefix + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    /// The chain hash of event number `position` (`ChainHash`'s canonical form, written out here so the baseline
    /// does not lean on the code it measures).
    func chainHash(previous: [UInt8], position: Int64, stream: Int, version: Int) -> [UInt8] {
        previous.withUnsafeBytes { previous in
            streamIds[stream].withUnsafeBytes { streamId in
                type.withUnsafeBytes { type in
                    data.withUnsafeBytes { data in
                        metadata.withUnsafeBytes { metadata in
                            Array(
                                Self.chainHash(
                                    previous: previous,
                                    position: position,
                                    stream: streamId,
                                    version: Int64(version),
                                    type: type,
                                    schemaVersion: 1,
                                    data: data,
                                    metadata: metadata
                                )
                            )
                        }
                    }
                }
            }
        }
    }

    static func chainHash(
        previous: UnsafeRawBufferPointer,
        position: Int64,
        stream: UnsafeRawBufferPointer,
        version: Int64,
        type: UnsafeRawBufferPointer,
        schemaVersion: Int64,
        data: UnsafeRawBufferPointer,
        metadata: UnsafeRawBufferPointer
    ) -> SHA256.Digest {
        var hasher = SHA256()
        func integer(_ value: Int64) { withUnsafeBytes(of: UInt64(bitPattern: value).bigEndian) { hasher.update(bufferPointer: $0) } }
        func field(_ bytes: UnsafeRawBufferPointer) {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: bytes.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(bufferPointer: bytes)
        }
        hasher.update(bufferPointer: previous)
        integer(position)
        field(stream)
        integer(version)
        field(type)
        integer(schemaVersion)
        field(data)
        field(metadata)
        return hasher.finalize()
    }
}

// MARK: - A minimal SQLite C API wrapper

/// One connection opened with `sqlite3_open_v2`.
final class RawConnection {
    let handle: OpaquePointer

    init(path: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            sqlite3_close(handle)
            throw BenchError("cannot open \(path): SQLite error \(code)")
        }
        self.handle = handle
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            defer { sqlite3_free(message) }
            throw BenchError("\(sql.prefix(60)): \(message.map { String(cString: $0) } ?? "unknown error")")
        }
    }

    func prepare(_ sql: String) throws -> RawQuery {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw BenchError("cannot prepare \(sql.prefix(60)): \(String(cString: sqlite3_errmsg(handle)))")
        }
        return RawQuery(handle: statement, connection: handle)
    }
}

/// One prepared statement.
final class RawQuery {
    let handle: OpaquePointer
    let connection: OpaquePointer
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(handle: OpaquePointer, connection: OpaquePointer) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    func bindText(_ index: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
        }
    }

    func bindBlob(_ index: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    /// Steps once: true when a row is available.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let message = String(cString: sqlite3_errmsg(connection))
            sqlite3_reset(handle)
            throw BenchError("SQLite error \(code): \(message)")
        }
    }

    /// Steps to completion and resets, for statements that return no rows.
    func run() throws {
        while try step() {}
        reset()
    }

    func reset() { sqlite3_reset(handle) }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        let pointer = sqlite3_column_blob(handle, column)
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
    }

    /// Reads every column of the current row of an events query, so that none of the work is skipped.
    func touchAllColumns() -> Int {
        Int(int64(0)) &+ Int(int64(2)) &+ Int(int64(4)) &+ bytes(1).count &+ bytes(3).count &+ bytes(5).count &+ bytes(6).count
            &+ bytes(7).count &+ bytes(8).count
    }
}
