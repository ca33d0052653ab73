import Foundation
import GRDB

/// Reports work done on long scans: `(done, total)`.
public typealias ProgressReporter = @Sendable (_ done: Int64, _ total: Int64) -> Void

/// What `verify` found. `isIntact` only when every check passed.
public struct VerificationReport: Sendable, Equatable {
    /// How many problems a report lists; those after are only counted (``problemsNotListed``), so that a log edited
    /// throughout reads as a page of findings rather than a line per event.
    public static let problemsListed = 100

    /// Events whose hash was recomputed.
    public var eventsChecked: Int64 = 0
    /// Hash of the last event: publish it somewhere else to detect truncation of the log's tail.
    public var headHash: Data = ChainHash.genesis
    /// The first position that does not match, if any.
    public var firstBadPosition: Int64?
    /// The problems found, in the order found: the chain's (by position) first, then the triggers and the claims.
    /// At most ``problemsListed`` come from the scan of the chain; ``problemsNotListed`` counts the rest.
    public var problems: [String] = []
    /// Problems found and counted but not listed in ``problems``.
    public var problemsNotListed = 0
    /// Snapshots checked (decompressed and sized).
    public var snapshotsChecked: Int = 0

    /// True when the chain, triggers, claims and snapshots are all intact.
    public var isIntact: Bool { problems.isEmpty && problemsNotListed == 0 }

    /// Every problem found, listed or not.
    public var problemCount: Int { problems.count + problemsNotListed }

    /// Creates an empty report.
    public init() {}

    /// Lists a problem, or only counts it once ``problemsListed`` are listed.
    public mutating func note(_ problem: String) {
        if problems.count < Self.problemsListed {
            problems.append(problem)
        } else {
            problemsNotListed += 1
        }
    }

    /// Lists (or counts) each problem in turn.
    public mutating func note(contentsOf problems: [String]) {
        for problem in problems { note(problem) }
    }
}

extension SQLiteEventStore {
    /// Recomputes the hash chain from position 1, checks the append-only triggers, the claims recorded in the log
    /// against the claims table, and that every snapshot decompresses to its recorded size. Every problem is
    /// reported (the first ``VerificationReport/problemsListed`` listed, the rest counted), not only the first.
    ///
    /// - Parameter snapshots: false to leave the snapshots out (a rebuild, which reads none, checks the rest).
    public func verify(snapshots: Bool = true, progress: ProgressReporter? = nil) async throws -> VerificationReport {
        var report = try await pool.read { db in try Self.verifyChain(db, progress: progress) }
        if snapshots { try await verifySnapshots(into: &report) }
        return report
    }

    /// Checks the hash chain of the last `count` events only (and their link to the event before them): what a
    /// server checks as it starts, in milliseconds whatever the log's size. Positions must follow one another; stream
    /// versions, triggers and claims are left to ``verify(progress:)``, which reads the whole log.
    public func verifyRecent(events count: Int) async throws -> VerificationReport {
        try await pool.read { db in
            let head = try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM events") ?? 0
            return try Self.verifyChain(db, after: max(0, head - Int64(count)), whole: false, progress: nil)
        }
    }

    /// The append-only triggers (which refuse `UPDATE` and `DELETE` on the events) that the log lacks, by name:
    /// empty on an intact log. A log without them can be changed with the sqlite3 shell and leave no trace but the
    /// chain's hashes.
    public func missingAppendOnlyTriggers() async throws -> [String] {
        try await pool.read { db in try Self.missingAppendOnlyTriggers(db) }
    }

    static func missingAppendOnlyTriggers(_ db: Database) throws -> [String] {
        let triggers = try String.fetchAll(
            db,
            sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events' AND sql LIKE '%RAISE(ABORT%'"
        )
        return EventLogSchema.appendOnlyTriggers.filter { !triggers.contains($0) }
    }

    /// Scans the chain from position `after + 1`; with stream versions, triggers and claims when `whole` (which needs
    /// `after` to be 0).
    ///
    /// Each event is checked on its own against what is stored: its hash against its contents and its own
    /// `previous_hash`, and its `previous_hash` against the stored hash of the event before it. Together these hold
    /// exactly when the chain recomputed from position 1 matches every stored hash; checked apart, a problem does not
    /// make every later event fail too, so that each changed, missing or relinked event is named where it is.
    static func verifyChain(
        _ db: Database,
        after start: Int64 = 0,
        whole: Bool = true,
        progress: ProgressReporter?
    ) throws -> VerificationReport {
        var report = VerificationReport()
        let whole = whole && start == 0
        var otherProblems = [String]()
        if whole {
            for trigger in try missingAppendOnlyTriggers(db) {
                otherProblems.append("append-only trigger \(trigger) is missing")
            }
        }
        let total = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE position > ?", arguments: [start]) ?? 0
        // The stored hash of the event before the first one scanned: the chain's start, or the event at `start`.
        var previous = [UInt8](ChainHash.genesis)
        var previousPosition: Int64 = start
        if start > 0 {
            guard let stored = try Data.fetchOne(db, sql: "SELECT hash FROM events WHERE position = ?", arguments: [start]) else {
                report.firstBadPosition = start
                report.note("position \(start): missing")
                return report
            }
            previous = [UInt8](stored)
        }
        let scan = RawStatement(
            try db.makeStatement(sql: "SELECT \(EventRow.columns) FROM events WHERE position > ? ORDER BY position"),
            in: db
        )
        defer { scan.finish() }
        scan.bind(1, start)
        // The hot loop of `verify`: the previous hash lives in a fixed buffer, hashes are compared in place and
        // nothing is allocated per event but the stream id, so that verify runs close to a raw scan-and-hash.
        var checked: Int64 = 0
        var streamVersions = [String: Int]()
        var claimsInLog = [String: String]()
        let claimsKey = Array("\"claims\"".utf8)
        let decoder = JSONDecoder()
        func fail(_ position: Int64, _ why: String) {
            if report.firstBadPosition == nil { report.firstBadPosition = position }
            report.note("position \(position): \(why)")
        }
        while try scan.step() {
            let position = scan.int64(0)
            let expected = previousPosition + 1
            if position != expected {
                fail(
                    expected,
                    position == expected + 1
                        ? "missing (the next stored position is \(position))"
                        : "missing, and every position up to \(position - 1) (the next stored position is \(position))"
                )
            }
            let streamVersion = Int(scan.int64(2))
            let metadataBytes = scan.bytes(6)
            let storedPrevious = scan.bytes(7)
            let stored = scan.bytes(8)
            let computed = ChainHash.digest(
                previous: storedPrevious,
                position: position,
                streamId: scan.bytes(1),
                streamVersion: streamVersion,
                type: scan.bytes(3),
                schemaVersion: Int(scan.int64(4)),
                data: scan.bytes(5),
                metadata: metadataBytes
            )
            if !computed.withUnsafeBytes({ Bytes.equal($0, stored) }) {
                fail(position, "hash does not match the event's contents (its data, metadata or place was changed after it was written)")
            }
            // After a gap the link cannot hold; the gap is the finding.
            if position == expected, !previous.withUnsafeBytes({ Bytes.equal($0, storedPrevious) }) {
                fail(
                    position,
                    position == 1
                        ? "previous_hash is not the chain's start"
                        : "previous_hash does not match the hash of position \(position - 1) (an event was replaced or relinked)"
                )
            }
            if whole {
                let streamId = String(decoding: scan.bytes(1), as: UTF8.self)
                let lastVersion = streamVersions.updateValue(streamVersion, forKey: streamId) ?? 0
                if streamVersion != lastVersion + 1 {
                    fail(
                        position,
                        streamVersion > lastVersion + 1
                            ? "stream \(streamId) jumps from version \(lastVersion) to \(streamVersion) (an event of the stream is missing)"
                            : "stream \(streamId) goes from version \(lastVersion) to \(streamVersion)"
                    )
                }
                // Claims are recorded only on an append's first event; decode only metadata that mentions them.
                if metadataBytes.count > 10, claimsKey.withUnsafeBytes({ Bytes.contains(metadataBytes, $0) }),
                    let claims = try? decoder.decode(EventMetadata.self, from: Data(metadataBytes)).claims
                {
                    for claim in claims { claimsInLog[claim] = claimsInLog[claim] ?? streamId }
                }
            }
            previous.withUnsafeMutableBytes { target in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: stored.prefix(target.count)))
            }
            previousPosition = position
            checked += 1
            if checked % 50_000 == 0 { progress?(checked, total) }
        }
        report.eventsChecked = checked
        progress?(checked, total)
        report.headHash = Data(previous)
        report.problems += otherProblems
        guard whole else { return report }
        var claimsInTable = [String: String]()
        for row in try Row.fetchAll(db, sql: "SELECT claim, stream_id FROM claims") {
            claimsInTable[row["claim"]] = row["stream_id"]
        }
        if claimsInTable != claimsInLog {
            let missing = claimsInLog.keys.filter { claimsInTable[$0] != claimsInLog[$0] }.sorted()
            let extra = claimsInTable.keys.filter { claimsInLog[$0] == nil }.sorted()
            report.problems.append(
                "claims table differs from the claims recorded in the log (missing or moved: \(missing.prefix(5)), not in the log: \(extra.prefix(5)))"
            )
        }
        return report
    }

    private func verifySnapshots(into report: inout VerificationReport) async throws {
        let stored = try await pool.read { db -> [(streamId: String, schemaVersion: Int, rawSize: Int, dictionaryId: Int64?, blob: Data)] in
            try Row.fetchAll(db, sql: "SELECT stream_id, state_schema_version, raw_size, dictionary_id, blob FROM snapshots").map {
                ($0["stream_id"], $0["state_schema_version"], $0["raw_size"], $0["dictionary_id"], $0["blob"])
            }
        }
        for snapshot in stored {
            do {
                let payload = try codec(forDictionary: snapshot.dictionaryId).decompress(snapshot.blob)
                if payload.count != snapshot.rawSize {
                    report.problems.append("snapshot of \(snapshot.streamId) is \(payload.count) bytes, recorded \(snapshot.rawSize)")
                }
            } catch {
                report.problems.append("snapshot of \(snapshot.streamId) (state v\(snapshot.schemaVersion)) does not decompress: \(error)")
            }
            report.snapshotsChecked += 1
        }
    }
}

/// Byte comparisons on raw buffers, without Foundation's generic paths.
enum Bytes {
    /// True when both buffers hold the same bytes.
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress else { return true }
        return memcmp(left, right, a.count) == 0
    }

    /// True when `needle` occurs in `haystack`.
    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
        guard let base = haystack.baseAddress, let pattern = needle.baseAddress else { return needle.isEmpty }
        let first = Int32(needle[0])
        var offset = 0
        while offset + needle.count <= haystack.count {
            guard let hit = memchr(base + offset, first, haystack.count - needle.count - offset + 1) else { return false }
            if memcmp(hit, pattern, needle.count) == 0 { return true }
            offset = base.distance(to: UnsafeRawPointer(hit)) + 1
        }
        return false
    }
}
