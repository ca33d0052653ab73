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
        var previous = ChainHash.genesis
        var expectedPosition: Int64 = 1
        var streamVersions = [String: Int]()
        var claimsInLog = [String: String]()
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
            let storedPrevious = scan.bytes(7)
            let computed = previous.withUnsafeBytes { previousBytes in
                ChainHash.hash(
                    previous: previousBytes,
                    position: position,
                    streamId: scan.bytes(1),
                    streamVersion: streamVersion,
                    type: scan.bytes(3),
                    schemaVersion: Int(scan.int64(4)),
                    data: scan.bytes(5),
                    metadata: scan.bytes(6)
                )
            }
            if !previous.elementsEqual(storedPrevious) {
                fail(position, "previous_hash does not match the hash of position \(position - 1)")
            } else if !computed.elementsEqual(scan.bytes(8)) {
                fail(position, "hash does not match the event's contents")
            }
            let streamId = scan.string(1)
            let lastVersion = streamVersions[streamId] ?? 0
            if streamVersion != lastVersion + 1 {
                fail(position, "stream \(streamId) jumps from version \(lastVersion) to \(streamVersion)")
            }
            streamVersions[streamId] = streamVersion
            // Claims are recorded only on an append's first event; avoid decoding every metadata blob.
            let metadataBytes = scan.bytes(6)
            if metadataBytes.count > 10, Data(metadataBytes).range(of: Data("\"claims\"".utf8)) != nil,
                let claims = try? decoder.decode(EventMetadata.self, from: Data(metadataBytes)).claims
            {
                for claim in claims { claimsInLog[claim] = claimsInLog[claim] ?? streamId }
            }
            previous = computed
            report.eventsChecked += 1
            if report.eventsChecked % 50_000 == 0 { progress?(report.eventsChecked, total) }
        }
        progress?(report.eventsChecked, total)
        report.headHash = previous
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
                let payload = try await codec(forDictionary: snapshot.dictionaryId).decompress(snapshot.blob)
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
