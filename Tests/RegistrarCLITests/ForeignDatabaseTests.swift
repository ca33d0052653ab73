import Foundation
import Testing

/// Another application's SQLite file given as --db: refused, and left exactly as it was.
@Suite("A SQLite file that is not a Registrar event log")
struct ForeignDatabaseTests {
    let directory: URL
    let path: String

    init() throws {
        directory = try makeTemporaryDirectory()
        path = directory.appendingPathComponent("other.sqlite").path
        try sqliteShell(path, "CREATE TABLE foo(x); INSERT INTO foo VALUES (42);")
    }

    /// The file's bytes and the names of its companions, to show that nothing changed.
    private func fingerprint() throws -> (Data, [String]) {
        (try Data(contentsOf: URL(fileURLWithPath: path)), try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted())
    }

    @Test("the commands that read or maintain a log refuse it and change nothing")
    func readCommandsRefuse() throws {
        let before = try fingerprint()
        let out = directory.appendingPathComponent("out.jsonl.zst").path
        let commands: [[String]] = [
            ["trace", "--db", path],
            ["snapshot", "--db", path],
            ["snapshot", "--db", path, "--train-dictionary"],
            ["rebuild", "--db", path],
            ["replay", "--db", path, "--candidate", "demo_candidate"],
            ["verify", "--db", path],
            ["export", "--db", path, "--out", out],
        ]
        for arguments in commands {
            let result = try run(try registrarBinary(), arguments)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.error)")
            #expect(result.error.contains("\(path) is not a Registrar event log (no events table)"), "\(arguments): \(result.error)")
        }
        let after = try fingerprint()
        #expect(after.0 == before.0)
        #expect(after.1 == before.1)
    }

    @Test("demo and import refuse it too; they create a new file or fill an empty one")
    func writeCommandsRefuse() throws {
        let source = directory.appendingPathComponent("source.sqlite").path
        #expect(try registrar("stress-append", "--db", source, "--count", "5", "--concurrency", "1").status == 0)
        let export = directory.appendingPathComponent("source.jsonl.zst").path
        #expect(try registrar("export", "--db", source, "--out", export).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        for arguments in [["demo", "--db", path, "--candidates", "1"], ["import", "--db", path, "--in", export]] {
            let result = try run(try registrarBinary(), arguments)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.error)")
            #expect(result.error.contains("\(path) is not a Registrar event log (no events table; it holds foo)"), "\(result.error)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)

        // An empty file is no one's database yet: import fills it.
        let empty = directory.appendingPathComponent("empty.sqlite").path
        #expect(FileManager.default.createFile(atPath: empty, contents: nil))
        let imported = try registrar("import", "--db", empty, "--in", export)
        #expect(imported.status == 0, "\(imported.error)")
        #expect(try registrar("verify", "--db", empty).output.hasPrefix("intact: 5 events"))
    }
}

@Suite("import: a refused import leaves no database behind")
struct RefusedImportTests {
    @Test("--in that is not zstd is refused before the database file is created")
    func notZstd() throws {
        let directory = try makeTemporaryDirectory()
        let input = directory.appendingPathComponent("notes.txt").path
        try Data("not an export\n".utf8).write(to: URL(fileURLWithPath: input))
        let db = directory.appendingPathComponent("new.sqlite").path
        let result = try registrar("import", "--db", db, "--in", input)
        #expect(result.status == 2)
        #expect(result.error.contains("--in \(input) is not a zstd file"), "\(result.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["notes.txt"])
        let missing = try registrar("import", "--db", db, "--in", directory.appendingPathComponent("absent.zst").path)
        #expect(missing.status == 2 && missing.error.contains("no such file"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["notes.txt"])
    }

    @Test("a zstd file that is not an export: the database file the import created is removed; an existing one is kept")
    func badContent() throws {
        let directory = try makeTemporaryDirectory()
        let text = directory.appendingPathComponent("notes.txt").path
        try Data("{\"not\": \"an event\"}\n".utf8).write(to: URL(fileURLWithPath: text))
        let zstd = try #require(which("zstd"))
        #expect(try run(zstd, ["-q", text, "-o", text + ".zst"]).status == 0)
        let db = directory.appendingPathComponent("new.sqlite").path
        let result = try registrar("import", "--db", db, "--in", text + ".zst")
        #expect(result.status == 2)
        #expect(result.error.contains("line 1 is not an exported event"), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: db))
        #expect(!FileManager.default.fileExists(atPath: db + "-wal") && !FileManager.default.fileExists(atPath: db + "-shm"))

        // A log that was there before the import stays.
        let existing = directory.appendingPathComponent("existing.sqlite").path
        #expect(try registrar("stress-append", "--db", existing, "--count", "1", "--concurrency", "1").status == 0)
        let kept = try registrar("import", "--db", existing, "--in", text + ".zst")
        #expect(kept.status == 2)
        #expect(FileManager.default.fileExists(atPath: existing))
    }
}
