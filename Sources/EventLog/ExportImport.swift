import Foundation
import GRDB

/// One line of an export file. `data` and `metadata` are the exact stored canonical JSON texts (as strings), so that
/// an import reproduces identical hashes.
public struct ExportedEvent: Codable, Sendable, Equatable {
    /// Global position.
    public var position: Int64
    /// Stream id.
    public var streamId: String
    /// Stream version.
    public var streamVersion: Int
    /// Event type.
    public var type: String
    /// Payload schema version.
    public var schemaVersion: Int
    /// Payload, canonical JSON text.
    public var data: String
    /// Metadata, canonical JSON text.
    public var metadata: String
    /// Previous hash, hex.
    public var previousHash: String
    /// Hash, hex.
    public var hash: String
}

/// The last line of an export, `{"endOfExport":{"events":N,"headHash":"…"}}`: how many events it holds and the hash
/// of the last one, so that an import can tell a whole export from one cut at a line boundary (which otherwise
/// verifies as a shorter log).
public struct ExportEnd: Codable, Sendable, Equatable {
    /// The count and the head hash.
    public struct Totals: Codable, Sendable, Equatable {
        /// Events exported.
        public var events: Int64
        /// The last event's hash, hex (32 zero bytes for an empty log).
        public var headHash: String
    }

    /// The totals.
    public var endOfExport: Totals
}

extension SQLiteEventStore {
    /// Writes the whole log as zstd-compressed JSON Lines, oldest first, then the closing line (``ExportEnd``), to the
    /// file at `url`. Returns the number of events written.
    ///
    /// The hash chain is verified as the events are written (positions 1, 2, 3…, each hash against its event's
    /// contents and the hash before it, as an import checks them): a log that does not verify is refused
    /// (``ExportRefusal/brokenChain(position:why:)``) rather than written as if it were a good backup.
    ///
    /// The lines go to a temporary file beside `url`, renamed to `url` once complete and on disk: a failed export
    /// leaves no partial file behind, and an existing file is replaced only whole. Refuses (``ExportRefusal``) a `url`
    /// that is the log's own file or its `-wal`, `-shm` or `-journal` (by path and by file identity), and an existing
    /// file unless `replacing`. Write errors are ``FileError``s naming the file and the system's reason.
    @discardableResult
    public func export(to url: URL, replacing: Bool = false, progress: ProgressReporter? = nil) async throws -> Int64 {
        let target = ExportTarget.canonicalPath(url.path)
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let logFile = path + suffix
            if target == ExportTarget.canonicalPath(logFile) || ExportTarget.sameFile(target, logFile) {
                throw ExportRefusal.logFile(url.path, logFile: logFile)
            }
        }
        if !replacing && FileManager.default.fileExists(atPath: target) {
            throw ExportRefusal.exists(url.path)
        }
        let directory = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(".\(name).\(getpid())-\(UUID().uuidString.prefix(8)).partial")
        do {
            let count = try await writeExport(to: URL(fileURLWithPath: temporary), progress: progress)
            if !replacing && FileManager.default.fileExists(atPath: target) {
                throw ExportRefusal.exists(url.path)
            }
            guard rename(temporary, target) == 0 else { throw FileError.system("cannot rename the finished export to", target) }
            // The rename itself made durable: the directory's entry on disk.
            let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
            if directoryDescriptor >= 0 {
                fsync(directoryDescriptor)
                close(directoryDescriptor)
            }
            return count
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private func writeExport(to url: URL, progress: ProgressReporter?) async throws -> Int64 {
        let writer = try ZstdFileWriter(url: url)
        let total = try await headPosition()
        var position: Int64 = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headHash = ChainHash.genesis
        var count: Int64 = 0
        while true {
            let batch = try await readAll(after: position, limit: 5_000)
            if batch.isEmpty { break }
            var chunk = Data()
            for event in batch {
                // What an import will check, checked before the line is written.
                if event.position != position + 1 {
                    throw ExportRefusal.brokenChain(
                        position: position + 1,
                        why: "missing (the next stored position is \(event.position))"
                    )
                }
                if ChainHash.hash(of: event) != event.hash {
                    throw ExportRefusal.brokenChain(position: event.position, why: "hash does not match the event's contents")
                }
                if event.previousHash != headHash {
                    throw ExportRefusal.brokenChain(
                        position: event.position,
                        why: event.position == 1
                            ? "previous hash is not the chain's start"
                            : "previous hash does not match the hash of position \(event.position - 1)"
                    )
                }
                position = event.position
                headHash = event.hash
                count += 1
                let line = ExportedEvent(
                    position: event.position,
                    streamId: event.streamId,
                    streamVersion: event.streamVersion,
                    type: event.type,
                    schemaVersion: event.schemaVersion,
                    data: String(decoding: event.data, as: UTF8.self),
                    metadata: String(decoding: event.metadata, as: UTF8.self),
                    previousHash: event.previousHash.hexString,
                    hash: event.hash.hexString
                )
                chunk.append(try encoder.encode(line))
                chunk.append(0x0A)
            }
            try writer.write(chunk)
            progress?(position, total)
        }
        let end = ExportEnd(endOfExport: .init(events: count, headHash: headHash.hexString))
        try writer.write(try encoder.encode(end) + Data([0x0A]))
        try writer.finish()
        return count
    }

    /// Loads an export into this (empty) log, verifying the chain line by line and the closing line's totals; all or
    /// nothing.
    ///
    /// Claims and request ids are restored from the events' metadata. Throws an ``ImportRefusal`` naming the first line
    /// that does not verify, or saying the export was cut short (no closing line, or totals that differ); nothing is
    /// kept then.
    ///
    /// - Parameter decodes: the domain's check that an event decodes (a known type, a schema version this code reads,
    ///   a payload of that shape); an event it throws for refuses the import, so that no import yields a log that
    ///   `verify` rejects and the server cannot fold. The hashes alone cannot tell: the chain has no key, so an edited
    ///   export can be hashed again.
    @discardableResult
    public func importLog(
        from url: URL,
        progress: ProgressReporter? = nil,
        decodes: (@Sendable (_ position: Int64, _ streamId: String, _ type: String, _ schemaVersion: Int, _ data: Data) throws -> Void)? = nil
    ) async throws -> Int64 {
        guard try await headPosition() == 0 else { throw ImportRefusal("import needs an empty log; this one has events") }
        let reader = try ZstdLineReader(url: url)
        let decoder = JSONDecoder()
        return try await pool.write { db in
            var previous = ChainHash.genesis
            var lineNumber: Int64 = 0
            var openRequests = [String: (streamId: String, firstVersion: Int, firstPosition: Int64)]()
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO events (position, stream_id, stream_version, event_type, schema_version, data, metadata, previous_hash, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            var end: ExportEnd.Totals?
            var events: Int64 = 0
            while let line = try reader.nextLine() {
                lineNumber += 1
                if line.isEmpty { continue }
                if end != nil { throw ImportRefusal("line \(lineNumber) follows the export's closing line") }
                guard let event = try? decoder.decode(ExportedEvent.self, from: line) else {
                    guard let closing = try? decoder.decode(ExportEnd.self, from: line) else {
                        throw ImportRefusal("line \(lineNumber) is not an exported event")
                    }
                    end = closing.endOfExport
                    continue
                }
                guard event.position == lineNumber else {
                    throw ImportRefusal("line \(lineNumber) holds position \(event.position); positions must be 1, 2, 3...")
                }
                guard let storedPrevious = Data(hexString: event.previousHash), storedPrevious == previous else {
                    throw ImportRefusal("position \(event.position): previous hash does not chain")
                }
                let data = Data(event.data.utf8)
                let metadataBytes = Data(event.metadata.utf8)
                let hash = ChainHash.hash(
                    previous: previous,
                    position: event.position,
                    streamId: event.streamId,
                    streamVersion: event.streamVersion,
                    type: event.type,
                    schemaVersion: event.schemaVersion,
                    data: data,
                    metadata: metadataBytes
                )
                guard hash.hexString == event.hash.lowercased() else {
                    throw ImportRefusal("position \(event.position): hash does not match the event's contents")
                }
                if let decodes {
                    do {
                        try decodes(event.position, event.streamId, event.type, event.schemaVersion, data)
                    } catch {
                        // The decoder's own words name the position and what does not decode, as `verify` says them.
                        throw ImportRefusal("\(error)")
                    }
                }
                try insert.execute(arguments: [
                    event.position, event.streamId, event.streamVersion, event.type, event.schemaVersion,
                    event.data, event.metadata, previous, hash,
                ])
                let metadata = try decoder.decode(EventMetadata.self, from: metadataBytes)
                // As the append took them: a claim the stream already holds (a number corrected back to one it had)
                // stays where it was first taken; one another stream holds is a log that was not appended so.
                for claim in metadata.claims ?? [] {
                    let holder = try String.fetchOne(db, sql: "SELECT stream_id FROM claims WHERE claim = ?", arguments: [claim])
                    if holder == event.streamId { continue }
                    if let holder {
                        throw ImportRefusal("position \(event.position): claim \(claim) of \(event.streamId) is held by \(holder)")
                    }
                    try db.execute(
                        sql: "INSERT INTO claims (claim, stream_id, position) VALUES (?, ?, ?)",
                        arguments: [claim, event.streamId, event.position]
                    )
                }
                if let requestId = metadata.requestId {
                    let open = openRequests[requestId] ?? (event.streamId, event.streamVersion, event.position)
                    openRequests[requestId] = open
                    try db.execute(
                        sql: """
                            INSERT INTO requests (request_id, stream_id, first_version, last_version, first_position, last_position)
                            VALUES (?, ?, ?, ?, ?, ?)
                            ON CONFLICT (request_id) DO UPDATE SET last_version = excluded.last_version, last_position = excluded.last_position
                            """,
                        arguments: [requestId, open.streamId, open.firstVersion, event.streamVersion, open.firstPosition, event.position]
                    )
                }
                previous = hash
                events += 1
                if lineNumber % 10_000 == 0 { progress?(lineNumber, 0) }
            }
            guard let end else {
                throw ImportRefusal(
                    "the export ends after \(events) events without its closing line: it was cut short (or written before exports had one)"
                )
            }
            guard end.events == events, end.headHash.lowercased() == previous.hexString else {
                throw ImportRefusal(
                    "the export's closing line promises \(end.events) events ending in hash \(end.headHash), but it holds \(events) ending in \(previous.hexString)"
                )
            }
            progress?(events, events)
            return events
        }
    }
}

/// Why an export was not written.
public enum ExportRefusal: Error, Equatable, CustomStringConvertible {
    /// The target is the log's file, or one of its companions (the second path).
    case logFile(String, logFile: String)
    /// A file exists at the target and replacing it was not asked for.
    case exists(String)
    /// The log's hash chain does not verify at `position`: the log was changed outside the store, and a backup of it
    /// would not import.
    case brokenChain(position: Int64, why: String)

    public var description: String {
        switch self {
        case .logFile(let path, let logFile): "\(path) is the event log's own file (\(logFile)); nothing was written"
        case .exists(let path): "\(path) already exists; nothing was written"
        case .brokenChain(let position, let why):
            "the log's hash chain is broken at position \(position): \(why); nothing was written (`registrar verify` lists every problem)"
        }
    }
}

/// Why an import was refused (nothing was kept): the export does not verify, was cut short, or the log is not empty.
public struct ImportRefusal: Error, Equatable, CustomStringConvertible {
    /// What is wrong, naming the line or position.
    public var reason: String

    /// A refusal for `reason`.
    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

/// Where an export may go.
enum ExportTarget {
    /// The absolute path with `.`, `..` and symbolic links of its directory (and of the file, when it is one)
    /// resolved, so that two spellings of one file compare equal even before the file exists.
    static func canonicalPath(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        if let resolved = realPath(absolute) { return resolved }
        let directory = (absolute as NSString).deletingLastPathComponent
        let name = (absolute as NSString).lastPathComponent
        return ((realPath(directory) ?? directory) as NSString).appendingPathComponent(name)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Both paths exist and are the same file (device and inode): hard links too.
    static func sameFile(_ first: String, _ second: String) -> Bool {
        var a = stat()
        var b = stat()
        guard stat(first, &a) == 0, stat(second, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }
}
