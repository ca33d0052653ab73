import Foundation
import Testing

@Suite("export: never the log itself, never a partial file")
struct ExportCommandTests {
    let directory: URL
    let path: String

    init() throws {
        directory = try makeTemporaryDirectory()
        path = directory.appendingPathComponent("log.sqlite").path
        let filled = try registrar("stress-append", "--db", path, "--count", "30", "--concurrency", "2")
        #expect(filled.status == 0, "\(filled.error)")
    }

    /// The directory's entries other than the log's own files.
    private func otherFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix("log.sqlite") }.sorted()
    }

    @Test("--out naming the log, its -wal or -shm (under any spelling) is refused and the log stays intact")
    func refusesTheLogItself() throws {
        let link = directory.appendingPathComponent("link.sqlite").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let spellings = [path, path + "-wal", path + "-shm", directory.appendingPathComponent("./sub/../log.sqlite").path, link]
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for out in spellings {
            for force in [false, true] {
                var arguments = ["export", "--db", path, "--out", out]
                if force { arguments.append("--force") }
                let result = try run(try registrarBinary(), arguments)
                #expect(result.status == 2, "\(out) force \(force): \(result.output)")
                #expect(result.error.contains("is the event log's own file"), "\(result.error)")
            }
        }
        let verify = try registrar("verify", "--db", path)
        #expect(verify.status == 0 && verify.output.hasPrefix("intact: 30 events"), "\(verify.output)\(verify.error)")
    }

    @Test("an existing --out is refused without --force and replaced whole with it")
    func existingFile() throws {
        let out = directory.appendingPathComponent("log.jsonl.zst").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out))
        let refused = try registrar("export", "--db", path, "--out", out)
        #expect(refused.status == 2)
        #expect(refused.error.contains("--out \(out) already exists") && refused.error.contains("--force"), "\(refused.error)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep me")

        let forced = try registrar("export", "--db", path, "--out", out, "--force")
        #expect(forced.status == 0, "\(forced.error)")
        let zstd = try #require(which("zstd"))
        #expect(try run(zstd, ["-dc", out]).output.split(separator: "\n").count == 31, "30 events and the closing line")
        // Replaced by a rename: no temporary file is left beside it.
        #expect(try otherFiles() == ["log.jsonl.zst"])
    }

    @Test("a write error is one readable line, exit 2, and leaves no partial file")
    func writeError() throws {
        let out = directory.appendingPathComponent("missing-directory/log.jsonl.zst").path
        let result = try registrar("export", "--db", path, "--out", out)
        #expect(result.status == 2)
        let lines = result.error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
        #expect(lines.count == 1, "\(result.error)")
        #expect(result.error.contains("No such file or directory"), "\(result.error)")
        #expect(!result.error.contains("NSCocoaErrorDomain") && !result.error.contains("Error Domain"))
        #expect(try otherFiles().isEmpty)
    }

    @Test("a write that fails halfway (the file-size limit) is one readable line and leaves no partial file")
    func failsHalfway() throws {
        let log = try demoCopy(candidates: 300, seed: 11)
        let folder = URL(fileURLWithPath: log).deletingLastPathComponent()
        let out = folder.appendingPathComponent("log.jsonl.zst").path
        // 100 blocks of 512 bytes: room for SQLite's 32 KB shared-memory file, not for the export. SIGXFSZ ignored, so
        // the write fails with EFBIG rather than killing the process.
        let result = try run(
            "/bin/sh",
            ["-c", "trap '' XFSZ; ulimit -f 100; exec \"$0\" export --db \"$1\" --out \"$2\"", try registrarBinary(), log, out]
        )
        #expect(result.status == 2, "\(result.output)\(result.error)")
        #expect(result.error.contains("export failed: cannot write") && result.error.contains("File too large"), "\(result.error)")
        #expect(result.error.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix("demo.sqlite") }.isEmpty)
    }
}
