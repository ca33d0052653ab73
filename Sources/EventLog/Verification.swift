import Foundation
import GRDB

/// Reports work done on long scans: `(done, total)`.
public typealias ProgressReporter = @Sendable (_ done: Int64, _ total: Int64) -> Void

/// What `verify` found. `isIntact` only when every check passed.
public struct VerificationReport: Sendable, Equatable {
    /// Events whose hash was recomputed.
    public var eventsChecked: Int64 = 0
    /// Hash of the last event: publish it somewhere else to detect truncation of the log's tail.
    public var headHash: Data = ChainHash.genesis
    /// The first position that does not match, if any.
    public var firstBadPosition: Int64?
    /// Every problem found, the first chain problem first.
    public var problems: [String] = []
    /// Snapshots checked (decompressed and sized).
    public var snapshotsChecked: Int = 0

    /// True when the chain, triggers, claims and snapshots are all intact.
    public var isIntact: Bool { problems.isEmpty }
}

extension SQLiteEventStore {
    /// Recomputes the hash chain from position 1, checks the append-only triggers, the claims recorded in the log
    /// against the claims table, and that every snapshot decompresses to its recorded size.
    public func verify(progress: ProgressReporter? = nil) async throws -> VerificationReport {
        var report = try await pool.read { db in try Self.verifyChain(db, progress: progress) }
        try await verifySnapshots(into: &report)
        return report
    }

    static func verifyChain(_ db: Database, progress: ProgressReporter?) throws -> VerificationReport {
        var report = VerificationReport()
        let triggers = try String.fetchAll(
            db,
            sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events' AND sql LIKE '%RAISE(ABORT%'"
        )
        for trigger in EventLogSchema.appendOnlyTriggers where !triggers.contains(trigger) {
            report.problems.append("append-only trigger \(trigger) is missing")
        }
        let total = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
        let scan = RawStatement(try db.makeStatement(sql: "SELECT \(EventRow.columns) FROM events ORDER BY position"), in: db)
        defer { scan.finish() }
        // The hot loop of `verify`: the previous hash lives in a fixed buffer, hashes are compared in place and
        // nothing is allocated per event but the stream id, so that verify runs close to a raw scan-and-hash.
        var previous = [UInt8](ChainHash.genesis)
        var expectedPosition: Int64 = 1
        var checked: Int64 = 0
        var streamVersions = [String: Int]()
        var claimsInLog = [String: String]()
        let claimsKey = Array("\"claims\"".utf8)
        let decoder = JSONDecoder()
        func fail(_ position: Int64, _ why: String) {
            if report.firstBadPosition == nil {
                report.firstBadPosition = position
                report.problems.insert("position \(position): \(why)", at: 0)
            }
        }
        while try scan.step() {
            let position = scan.int64(0)
            if position != expectedPosition {
                fail(expectedPosition, "missing (next stored position is \(position))")
            }
            expectedPosition = position + 1
            let streamVersion = Int(scan.int64(2))
            let metadataBytes = scan.bytes(6)
            let computed = previous.withUnsafeBytes { previousBytes in
                ChainHash.digest(
                    previous: previousBytes,
                    position: position,
                    streamId: scan.bytes(1),
                    streamVersion: streamVersion,
                    type: scan.bytes(3),
                    schemaVersion: Int(scan.int64(4)),
                    data: scan.bytes(5),
                    metadata: metadataBytes
                )
            }
            if !previous.withUnsafeBytes({ Bytes.equal($0, scan.bytes(7)) }) {
                fail(position, "previous_hash does not match the hash of position \(position - 1)")
            } else if !computed.withUnsafeBytes({ Bytes.equal($0, scan.bytes(8)) }) {
                fail(position, "hash does not match the event's contents")
            }
            let streamId = String(decoding: scan.bytes(1), as: UTF8.self)
            let lastVersion = streamVersions.updateValue(streamVersion, forKey: streamId) ?? 0
            if streamVersion != lastVersion + 1 {
                fail(position, "stream \(streamId) jumps from version \(lastVersion) to \(streamVersion)")
            }
            // Claims are recorded only on an append's first event; decode only metadata that mentions them.
            if metadataBytes.count > 10, claimsKey.withUnsafeBytes({ Bytes.contains(metadataBytes, $0) }),
                let claims = try? decoder.decode(EventMetadata.self, from: Data(metadataBytes)).claims
            {
                for claim in claims { claimsInLog[claim] = claimsInLog[claim] ?? streamId }
            }
            previous.withUnsafeMutableBytes { target in computed.withUnsafeBytes { target.copyMemory(from: $0) } }
            checked += 1
            if checked % 50_000 == 0 { progress?(checked, total) }
        }
        report.eventsChecked = checked
        progress?(checked, total)
        report.headHash = Data(previous)
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
