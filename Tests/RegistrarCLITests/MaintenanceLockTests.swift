import EventLog
import Foundation
import Testing

/// Rebuild and import, which must not run twice at once on one file, hold the database's maintenance lock; and an
/// import refuses events that do not decode, however well they chain.
@Suite("Maintenance lock and import decoding")
struct MaintenanceLockTests {
    @Test("a rebuild while another holds the maintenance lock is refused and leaves the read models as they were")
    func rebuildWhileLocked() throws {
        let path = try demoCopy(candidates: 12, seed: 5)
        #expect(try registrar("rebuild", "--db", path).status == 0)
        let before = try sqliteQuery(path, "SELECT COUNT(*) FROM audit_trail")
        let lock = try #require(try MaintenanceLock(databasePath: path))
        let refused = try registrar("rebuild", "--db", path)
        #expect(refused.status != 0)
        #expect(refused.error.contains("another rebuild or import is running"), "\(refused.error)")
        #expect(try sqliteQuery(path, "SELECT COUNT(*) FROM audit_trail") == before)
        #expect(try tableNames(path).filter { $0.hasSuffix("__rebuild") }.isEmpty)
        lock.release()
        // Every path to the file shares its lock: a symbolic link, or the path spelled another way.
        let link = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("link.sqlite").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let throughLink = try #require(try MaintenanceLock(databasePath: link))
        let refusedToo = try registrar("rebuild", "--db", path)
        #expect(refusedToo.status != 0 && refusedToo.error.contains("another rebuild or import is running"), "\(refusedToo.error)")
        throughLink.release()
        #expect(try registrar("rebuild", "--db", path).status == 0)
        #expect(try registrar("verify", "--db", path).status == 0)
    }

    @Test("an import while another holds the lock is refused before the file is created")
    func importWhileLocked() throws {
        let source = try demoCopy(candidates: 12, seed: 5)
        let directory = try makeTemporaryDirectory()
        let exported = directory.appendingPathComponent("log.jsonl.zst").path
        #expect(try registrar("export", "--db", source, "--out", exported).status == 0)
        let target = directory.appendingPathComponent("new.sqlite").path
        let lock = try #require(try MaintenanceLock(databasePath: target))
        let refused = try registrar("import", "--db", target, "--in", exported)
        #expect(refused.status == 2)
        #expect(refused.error.contains("another import or rebuild is running"), "\(refused.error)")
        #expect(!FileManager.default.fileExists(atPath: target))
        lock.release()
        let imported = try registrar("import", "--db", target, "--in", exported)
        #expect(imported.status == 0, "\(imported.error)")
    }

    @Test("an import of a chained export whose candidate event does not decode is refused, and the file it made removed")
    func importRefusesUndecodableEvents() async throws {
        let directory = try makeTemporaryDirectory()
        let source = directory.appendingPathComponent("forged.sqlite").path
        do {
            let store = try SQLiteEventStore(path: source)
            // Appended below the domain, as an edited and re-hashed export would hold it: the chain is correct.
            _ = try await store.append(
                AppendRequest(
                    streamId: "candidate-forged",
                    expectedVersion: .any,
                    events: [ProposedEvent(type: "Bogus", schemaVersion: 1, data: Data(#"{"x":1}"#.utf8))],
                    metadata: EventMetadata(actorId: "x", role: "system", channel: "cli", recordedAt: "2026-01-01T00:00:00.000Z")
                )
            )
        }
        let exported = directory.appendingPathComponent("forged.jsonl.zst").path
        let export = try registrar("export", "--db", source, "--out", exported, "--force")
        try #require(export.status == 0, "\(export.error)")
        let target = directory.appendingPathComponent("target.sqlite").path
        let refused = try registrar("import", "--db", target, "--in", exported)
        #expect(refused.status == 2)
        #expect(refused.error.contains("import refused: position 1: unknown event type Bogus"), "\(refused.error)")
        #expect(!FileManager.default.fileExists(atPath: target), "the file the refused import created is removed")
    }
}
