import EventLog
import Foundation
import RegistrarApp
import Testing

@Suite("Operator commands")
struct OperatorCommandTests {
    let directory: URL
    let path: String

    init() throws {
        directory = try makeTemporaryDirectory()
        path = directory.appendingPathComponent("log.sqlite").path
    }

    private func fill(_ count: Int) throws {
        let result = try registrar("stress-append", "--db", path, "--count", "\(count)", "--concurrency", "2")
        #expect(result.status == 0, "\(result.error)")
    }

    @Test("verify: exit 0 and the head hash when intact")
    func verifyIntact() throws {
        try fill(40)
        let result = try registrar("verify", "--db", path)
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("intact: 40 events"))
    }

    @Test("verify: says so when there are no read models to compare, or when they are skipped")
    func verifyWithoutReadModels() throws {
        try fill(10)
        let result = try registrar("verify", "--db", path)
        #expect(result.status == 0)
        #expect(result.output.contains("read models: none installed, nothing compared"), "\(result.output)")
        let skipped = try registrar("verify", "--db", path, "--skip-read-models")
        #expect(skipped.output.contains("read models: not compared (--skip-read-models)"), "\(skipped.output)")
    }

    @Test("verify: a row edited with the sqlite3 shell (triggers dropped) is named, exit 1")
    func verifyTampered() throws {
        try fill(40)
        try sqliteShell(path, "DROP TRIGGER events_refuse_update; UPDATE events SET data = json_set(data, '$.note', '篡改') WHERE position = 17;")
        let result = try registrar("verify", "--db", path)
        #expect(result.status == 1)
        #expect(result.output.contains("first bad position: 17"))
        #expect(result.output.contains("events_refuse_update is missing"))
    }

    @Test("verify: a missing file is one clear line and exit 2, no stack trace")
    func verifyMissingFile() throws {
        let result = try registrar("verify", "--db", directory.appendingPathComponent("absent.sqlite").path)
        #expect(result.status == 2)
        #expect(result.error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        #expect(result.error.contains("no database at"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("absent.sqlite").path))
    }

    @Test("verify: a file that is not a database is an error, not a crash")
    func verifyGarbageFile() throws {
        let garbage = directory.appendingPathComponent("garbage.sqlite")
        try Data("this is not sqlite".utf8).write(to: garbage)
        let result = try registrar("verify", "--db", garbage.path)
        #expect(result.status == 2)
        #expect(!result.error.contains("Backtrac"))
    }

    @Test("export then import through the command line reproduces the head hash")
    func exportImport() throws {
        try fill(60)
        let exported = directory.appendingPathComponent("log.jsonl.zst").path
        #expect(try registrar("export", "--db", path, "--out", exported).status == 0)
        let copy = directory.appendingPathComponent("copy.sqlite").path
        let imported = try registrar("import", "--db", copy, "--in", exported)
        #expect(imported.status == 0, "\(imported.error)")
        let original = try registrar("verify", "--db", path).output
        let restored = try registrar("verify", "--db", copy).output
        #expect(original == restored)
        // The export is plain zstd: the zstd CLI reads it.
        let zstd = try #require(which("zstd"))
        let lines = try run(zstd, ["-dc", exported]).output.split(separator: "\n")
        #expect(lines.count == 61, "60 events and the closing line")
        #expect(lines.last?.hasPrefix(#"{"endOfExport":{"events":60,"headHash":""#) == true)
    }

    @Test("import into a log that has events is refused and changes nothing")
    func importIntoNonEmpty() throws {
        try fill(5)
        let exported = directory.appendingPathComponent("log.jsonl.zst").path
        #expect(try registrar("export", "--db", path, "--out", exported).status == 0)
        let result = try registrar("import", "--db", path, "--in", exported)
        #expect(result.status == 2)
        #expect(result.error.contains("empty log"))
        #expect(try registrar("verify", "--db", path).output.hasPrefix("intact: 5 events"))
    }

    @Test("training a dictionary with too few snapshots is refused with a clear message")
    func trainWithoutSamples() throws {
        try fill(3)
        let result = try registrar("snapshot", "--db", path, "--train-dictionary")
        #expect(result.status == 2)
        #expect(result.error.contains("need at least 8 samples"))
    }
}

@Suite("Photos beside the log")
struct PhotoVerificationTests {
    @Test("a demo keeps every application's photo by its hash; verify names a photo whose bytes were changed")
    func demoPhotosVerify() throws {
        let path = try demoCopy()
        // Every submitted application's photo is kept, named by the SHA-256 of its bytes (sqlite3 has no SHA-256: the
        // JPEG's start and the id's form are checked here, the hash by verify).
        let named = try sqliteShell(
            path,
            "SELECT COUNT(DISTINCT json_extract(data, '$.photoID')) FROM events WHERE event_type = 'ApplicationSubmitted';"
        )
        let kept = try sqliteShell(
            path,
            "SELECT COUNT(*) FROM photos WHERE photo_id IN (SELECT json_extract(data, '$.photoID') FROM events WHERE event_type = 'ApplicationSubmitted');"
        )
        #expect(Int(named.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 0)
        #expect(kept == named, "\(kept) of \(named)")
        let jpeg = try sqliteShell(path, "SELECT COUNT(*) FROM photos WHERE substr(hex(bytes), 1, 6) <> 'FFD8FF' OR length(photo_id) <> 70;")
        #expect(jpeg.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let intact = try registrar("verify", "--db", path, "--skip-read-models")
        #expect(
            intact.status == 0
                && intact.output.contains("photos: \(kept.trimmingCharacters(in: .whitespacesAndNewlines)) kept, each hashes to its id"),
            "\(intact.output)"
        )

        let changed = try sqliteShell(path, "UPDATE photos SET bytes = X'FFD8FFE000' WHERE rowid = 1; SELECT photo_id FROM photos WHERE rowid = 1;")
        let result = try registrar("verify", "--db", path, "--skip-read-models")
        #expect(result.status == 1)
        #expect(
            result.output.contains("photo \(changed.trimmingCharacters(in: .whitespacesAndNewlines)): its bytes no longer hash to its id"),
            "\(result.output)"
        )
        // A row deleted (or swapped for another image under that image's own hash): the application's photo is gone.
        let removed = try sqliteShell(path, "SELECT photo_id FROM photos WHERE rowid = 2; DELETE FROM photos WHERE rowid = 2;")
        let missing = try registrar("verify", "--db", path, "--skip-read-models")
        #expect(missing.status == 1)
        let id = removed.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(missing.output.contains("photo \(id): an application names it, and the photos table does not hold it"), "\(missing.output)")
        // A row no application names, its id the hash of its bytes: added outside the log.
        let bytes = Data([0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x04, 0x6F, 0x6B, 0xFF, 0xD9])
        let unnamedID = StoredPhoto.photoID(of: bytes)
        _ = try sqliteShell(
            path,
            "INSERT INTO photos (photo_id, bytes, stored_at) VALUES ('\(unnamedID)', X'\(bytes.map { String(format: "%02X", $0) }.joined())', 0);"
        )
        let unnamed = try registrar("verify", "--db", path, "--skip-read-models")
        #expect(unnamed.status == 1)
        #expect(unnamed.output.contains("photo \(unnamedID): kept, and no application names it"), "\(unnamed.output)")
        #expect(!unnamed.output.contains("photo \(unnamedID): its bytes no longer hash"), "\(unnamed.output)")
    }
}
