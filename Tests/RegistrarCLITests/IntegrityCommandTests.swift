import Foundation
import TestScratch
import Testing

/// The commands on a log changed behind the store's back (the append-only triggers dropped with the sqlite3 shell):
/// events cut off its end, edited or deleted in the middle.
@Suite("A changed log")
struct IntegrityCommandTests {
    /// Cuts the log's last event as the audit did: the trigger dropped, the event deleted, the trigger put back. (A
    /// snapshot taken with the removed event goes too: it is a cache, and these tests are about the read models.)
    static func cutLastEvent(_ path: String, head: Int) throws {
        try sqliteShell(
            path,
            """
            DELETE FROM snapshots WHERE stream_id = (SELECT stream_id FROM events WHERE position = \(head));
            DROP TRIGGER events_refuse_delete; DELETE FROM events WHERE position = \(head);
            CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
            """
        )
    }

    /// `registrar serve` that must refuse to start: its exit, or a failure (and the server stopped) if it still runs
    /// after `seconds`.
    private func serveRefusal(_ path: String, seconds: Double = 60) throws -> (status: Int32, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try registrarBinary())
        process.arguments = ["serve", "--db", path, "--port", "0"]
        let error = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = error
        try launch(process)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Issue.record("serve started on a changed log instead of refusing")
        }
        return (process.terminationStatus, String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// A log of `count` events in one stream (`stress-0`, version = position), without read models.
    private func stressLog(_ count: Int) throws -> String {
        let path = try makeTemporaryDirectory().appendingPathComponent("log.sqlite").path
        let result = try registrar("stress-append", "--db", path, "--count", "\(count)", "--concurrency", "1")
        #expect(result.status == 0, "\(result.error)")
        return path
    }

    /// A rewritten log can verify against itself; the head an earlier verify printed anchors it (audit X-9).
    @Test("verify checks the heads it printed before: --expect POSITION:HASH")
    func expectedHeads() throws {
        let path = try stressLog(12)
        let first = try registrar("verify", "--db", path, "--skip-read-models")
        let line = try #require(first.output.split(separator: "\n").first { $0.hasPrefix("head: ") }, "\(first.output)")
        let anchor = String(line.dropFirst("head: ".count))
        #expect(anchor.hasPrefix("12:") && anchor.count == 3 + 64, "\(anchor)")
        let held = try registrar("verify", "--db", path, "--skip-read-models", "--expect", anchor)
        #expect(held.status == 0 && held.output.contains("anchors: 1 expected head still held"), "\(held.output)")
        let other = "12:" + String(repeating: "ab", count: 32)
        let rewritten = try registrar(
            "verify",
            "--db",
            path,
            "--skip-read-models",
            "--expect",
            other,
            "--expect",
            "13:" + String(repeating: "0", count: 64)
        )
        #expect(rewritten.status == 1, "\(rewritten.output)")
        #expect(
            rewritten.output.contains("event 12: expected hash \(String(repeating: "ab", count: 32)), the log holds \(anchor.dropFirst(3))"),
            "\(rewritten.output)"
        )
        #expect(rewritten.output.contains("event 13: expected hash") && rewritten.output.contains("no event there"), "\(rewritten.output)")
        let malformed = try registrar("verify", "--db", path, "--expect", "12:xyz")
        #expect(malformed.status != 0 && malformed.error.contains("--expect 12:xyz"), "\(malformed.error)")
    }

    @Test("events cut off the end: verify says so, trace, serve, export and rebuild refuse, rebuild --force warns and starts again from the log")
    func tailCut() throws {
        let path = try demoCopy()
        let rebuilt = try registrar("rebuild", "--db", path)
        #expect(rebuilt.status == 0, "\(rebuilt.error)")
        let head = try #require(Int(try sqliteQuery(path, "SELECT MAX(position) FROM events").first ?? ""))
        try Self.cutLastEvent(path, head: head)
        let verifyAdvice = "run `registrar verify --db \(path)`"

        // The chain that is left verifies; the read models remember how far they had folded.
        for arguments in [["verify", "--db", path, "--skip-read-models"], ["verify", "--db", path]] {
            let verify = try run(try registrarBinary(), arguments)
            #expect(verify.status == 1, "\(verify.output)")
            #expect(
                verify.output.contains(
                    "NOT INTACT: events were removed from the end of the log: read model audit_trail folded events up to position "
                        + "\(head), the log now ends at \(head - 1)"
                ),
                "\(verify.output)"
            )
            #expect(!verify.output.contains("live rows hash"), "not compared: known to be of another log")
        }
        let trace = try registrar("trace", "--db", path, "--candidate", "demo_candidate")
        #expect(trace.status == 2)
        #expect(
            trace.error.contains(
                "read model audit_trail is at position \(head) but the log ends at \(head - 1): events were removed from the log; \(verifyAdvice)"
            ),
            "\(trace.error)"
        )
        #expect(trace.output.isEmpty)
        let serve = try serveRefusal(path)
        #expect(serve.status == 2)
        #expect(
            serve.error.contains(
                "serve refused to start: read model candidate_view is at position \(head) but the log ends at \(head - 1): "
                    + "events were removed from the log; \(verifyAdvice)"
            ),
            "\(serve.error)"
        )
        #expect(try sqliteQuery(path, "SELECT MAX(position) FROM events") == ["\(head - 1)"], "nothing appended")
        let out = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("cut.jsonl.zst").path
        let export = try registrar("export", "--db", path, "--out", out)
        #expect(export.status == 2 && export.error.contains("export refused: read model candidate_view is at position"), "\(export.error)")
        #expect(!FileManager.default.fileExists(atPath: out))

        // One read model alone would leave the others showing the removed event: refused.
        let partial = try registrar("rebuild", "--db", path, "--projection", "audit_trail")
        #expect(partial.status == 2)
        #expect(partial.error.contains("candidate_view, review_comparison folded the removed events too"), "\(partial.error)")
        // A rebuild would erase the only record of the removed event: refused without --force, nothing changed.
        let checkpoints = try sqliteQuery(path, "SELECT name, position FROM projection_checkpoints ORDER BY name")
        let refused = try registrar("rebuild", "--db", path)
        #expect(refused.status == 2)
        #expect(refused.error.contains("registrar: events were removed from the end of the log"), "\(refused.error)")
        #expect(
            refused.error.contains("rebuild refused: the log is shorter than the read models had seen"),
            "\(refused.error)"
        )
        #expect(refused.error.contains("run `registrar verify --db \(path)`; `registrar rebuild --force` rebuilds anyway"), "\(refused.error)")
        #expect(!refused.error.contains("another event"), "not worded as a replaced event: \(refused.error)")
        #expect(refused.output.isEmpty)
        #expect(try sqliteQuery(path, "SELECT name, position FROM projection_checkpoints ORDER BY name") == checkpoints)
        #expect(try registrar("verify", "--db", path, "--skip-read-models").status == 1, "the evidence is still there")
        let rebuild = try registrar("rebuild", "--db", path, "--force")
        #expect(rebuild.status == 0, "\(rebuild.error)")
        #expect(rebuild.error.contains("WARNING: events were removed from the end of the log"), "\(rebuild.error)")
        #expect(rebuild.error.contains("WARNING: the log is shorter than the read models had seen"), "\(rebuild.error)")
        #expect(rebuild.error.contains("WARNING: rebuilt from a log that had lost or changed events"), "\(rebuild.error)")
        #expect(try registrar("verify", "--db", path, "--skip-read-models").status == 0)
        #expect(try registrar("trace", "--db", path, "--candidate", "demo_candidate").status == 0)
    }

    @Test("serve refuses to start on a log whose last events' hash chain is broken, naming the position")
    func serveChecksTheChain() throws {
        let path = try stressLog(40)
        try sqliteShell(path, "DROP TRIGGER events_refuse_update; UPDATE events SET data = json_set(data, '$.i', 'x') WHERE position = 38;")
        let serve = try serveRefusal(path)
        #expect(serve.status == 2)
        #expect(
            serve.error.contains(
                "serve refused to start: the hash chain of the log's last 1000 events is broken: position 38: hash does not match "
                    + "the event's contents"
            ),
            "\(serve.error)"
        )
        #expect(serve.error.contains("run `registrar verify --db \(path)`"), "\(serve.error)")
        #expect(try sqliteQuery(path, "SELECT COUNT(*) FROM events") == ["40"], "nothing chained onto the changed event")
    }

    @Test("verify lists every problem: an edited event, a deleted one, and the stream version left out")
    func verifyListsEveryProblem() throws {
        let path = try stressLog(40)
        try sqliteShell(
            path,
            """
            DROP TRIGGER events_refuse_update; DROP TRIGGER events_refuse_delete;
            UPDATE events SET data = json_set(data, '$.i', 'x') WHERE position = 17;
            DELETE FROM events WHERE position = 30;
            """
        )
        let verify = try registrar("verify", "--db", path, "--skip-read-models")
        #expect(verify.status == 1)
        for line in [
            "first bad position: 17",
            "NOT INTACT: position 17: hash does not match the event's contents",
            "NOT INTACT: position 30: missing (the next stored position is 31)",
            "NOT INTACT: position 31: stream stress-0 jumps from version 29 to 31",
            "NOT INTACT: append-only trigger events_refuse_delete is missing",
            "5 problems found in 39 events",
        ] {
            #expect(verify.output.contains(line), "\(line) in \(verify.output)")
        }
    }

    @Test("export of a log whose chain is broken is refused (exit 2, no file); a good one counts the events it wrote")
    func exportVerifiesTheChain() throws {
        let path = try stressLog(50)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let out = directory.appendingPathComponent("log.jsonl.zst").path
        let good = try registrar("export", "--db", path, "--out", out)
        #expect(good.status == 0 && good.output == "exported 50 events to \(out)\n", "\(good.output)")
        try FileManager.default.removeItem(atPath: out)

        try sqliteShell(path, "DROP TRIGGER events_refuse_delete; DELETE FROM events WHERE position = 40;")
        let gap = try registrar("export", "--db", path, "--out", out)
        #expect(gap.status == 2)
        #expect(
            gap.error.contains(
                "export refused: the log's hash chain is broken at position 40: missing (the next stored position is 41); nothing was written"
            ),
            "\(gap.error)"
        )
        try sqliteShell(
            path,
            "DELETE FROM events WHERE position > 39; DROP TRIGGER events_refuse_update; UPDATE events SET metadata = json_set(metadata, '$.actorId', 'someone') WHERE position = 12;"
        )
        let edited = try registrar("export", "--db", path, "--out", out)
        #expect(edited.status == 2)
        #expect(edited.error.contains("broken at position 12: hash does not match the event's contents"), "\(edited.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("jsonl") }.isEmpty)
    }

    @Test("import refusals are worded as an import's, not as a refused append")
    func importRefusalWording() throws {
        let path = try stressLog(10)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let exported = directory.appendingPathComponent("log.jsonl.zst").path
        #expect(try registrar("export", "--db", path, "--out", exported).status == 0)
        let zstd = try #require(which("zstd"))
        var lines = try run(zstd, ["-dc", exported]).output.split(separator: "\n").map(String.init)
        lines[5] = lines[5].replacingOccurrences(of: #"\"actorId\":\""#, with: #"\"actorId\":\"x"#)
        #expect(lines[5].contains(#"\"actorId\":\"x"#))
        let plain = directory.appendingPathComponent("altered.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: plain)
        #expect(try run(zstd, ["-q", plain.path, "-o", plain.path + ".zst"]).status == 0)
        let copy = directory.appendingPathComponent("copy.sqlite").path
        let altered = try registrar("import", "--db", copy, "--in", plain.path + ".zst")
        #expect(altered.status == 2)
        #expect(altered.error.contains("import refused: position 6: hash does not match the event's contents"), "\(altered.error)")
        let nonEmpty = try registrar("import", "--db", path, "--in", exported)
        #expect(nonEmpty.error.contains("import refused: import needs an empty log"), "\(nonEmpty.error)")
        for error in [altered.error, nonEmpty.error] { #expect(!error.contains("invalid append"), "\(error)") }
    }

    /// Edits the data of the event at `position` (the update trigger dropped and put back), without rehashing it.
    private func editEvent(_ path: String, at position: Int) throws {
        try sqliteShell(
            path,
            """
            DROP TRIGGER events_refuse_update;
            UPDATE events SET metadata = json_set(metadata, '$.reason', '改') WHERE position = \(position);
            CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
            """
        )
    }

    @Test("trace and replay refuse a log whose last events' hash chain is broken, naming the position and verify")
    func traceAndReplayCheckTheChain() throws {
        let path = try demoCopy()
        let rebuilt = try registrar("rebuild", "--db", path)
        #expect(rebuilt.status == 0, "\(rebuilt.error)")
        #expect(try registrar("trace", "--db", path, "--candidate", "demo_candidate").status == 0)
        #expect(try registrar("replay", "--db", path, "--candidate", "demo_candidate").status == 0)
        let head = try #require(Int(try sqliteQuery(path, "SELECT MAX(position) FROM events").first ?? ""))
        try editEvent(path, at: head - 2)
        let verifyAdvice = "run `registrar verify --db \(path)`"

        let trace = try registrar("trace", "--db", path, "--candidate", "demo_candidate")
        #expect(trace.status == 2)
        #expect(
            trace.error.contains(
                "trace refused: the hash chain of the log's last 1000 events is broken: position \(head - 2): hash does not match "
                    + "the event's contents"
            ),
            "\(trace.error)"
        )
        #expect(trace.error.contains("\(verifyAdvice) (the trail is not shown)"), "\(trace.error)")
        #expect(trace.output.isEmpty)
        for arguments in [["--candidate", "demo_candidate"], ["--candidate", "demo_candidate", "--diff", "0..3"]] {
            let replay = try run(try registrarBinary(), ["replay", "--db", path] + arguments)
            #expect(replay.status == 2)
            #expect(
                replay.error.contains("replay refused: the hash chain of the log's last 1000 events is broken: position \(head - 2)"),
                "\(replay.error)"
            )
            #expect(replay.error.contains(verifyAdvice), "\(replay.error)")
            #expect(replay.output.isEmpty)
        }
    }

    @Test("replay refuses a log cut behind its read models, as serve does")
    func replayChecksTheReadModels() throws {
        let path = try demoCopy()
        let rebuilt = try registrar("rebuild", "--db", path)
        #expect(rebuilt.status == 0, "\(rebuilt.error)")
        let head = try #require(Int(try sqliteQuery(path, "SELECT MAX(position) FROM events").first ?? ""))
        try sqliteShell(
            path,
            """
            DELETE FROM snapshots WHERE stream_id = (SELECT stream_id FROM events WHERE position = \(head));
            DROP TRIGGER events_refuse_delete; DELETE FROM events WHERE position = \(head);
            """
        )
        let replay = try registrar("replay", "--db", path, "--candidate", "demo_candidate")
        #expect(replay.status == 2)
        #expect(
            replay.error.contains(
                "replay refused: read model candidate_view is at position \(head) but the log ends at \(head - 1): "
                    + "events were removed from the log; run `registrar verify --db \(path)`"
            ),
            "\(replay.error)"
        )
    }

    @Test("rebuild verifies the whole chain: an edited event refuses it (exit 2, nothing changed) unless --force")
    func rebuildChecksTheChain() throws {
        let path = try demoCopy()
        let rebuilt = try registrar("rebuild", "--db", path)
        #expect(rebuilt.status == 0, "\(rebuilt.error)")
        // Rebuild checks the whole chain, not only the last 1000 events (this log has about 200).
        try editEvent(path, at: 3)
        let checkpoints = try sqliteQuery(path, "SELECT name, position, hash FROM projection_checkpoints ORDER BY name")
        let trail = try sqliteQuery(path, "SELECT COUNT(*) FROM audit_trail")
        let refused = try registrar("rebuild", "--db", path)
        #expect(refused.status == 2)
        #expect(refused.error.contains("registrar: position 3: hash does not match the event's contents"), "\(refused.error)")
        #expect(
            refused.error.contains("rebuild refused: the log's hash chain is broken (first at position 3): the log was changed outside registrar"),
            "\(refused.error)"
        )
        #expect(refused.error.contains("`registrar rebuild --force` rebuilds anyway. Nothing was changed"), "\(refused.error)")
        #expect(!refused.error.contains("shorter"), "\(refused.error)")
        #expect(refused.output.isEmpty)
        #expect(try sqliteQuery(path, "SELECT name, position, hash FROM projection_checkpoints ORDER BY name") == checkpoints)
        #expect(try sqliteQuery(path, "SELECT COUNT(*) FROM audit_trail") == trail)
        let partial = try registrar("rebuild", "--db", path, "--projection", "audit_trail")
        #expect(partial.status == 2 && partial.error.contains("rebuild refused"), "\(partial.error)")

        let forced = try registrar("rebuild", "--db", path, "--force")
        #expect(forced.status == 0, "\(forced.error)")
        #expect(forced.error.contains("registrar: WARNING: position 3: hash does not match"), "\(forced.error)")
        #expect(forced.error.contains("WARNING: the log's hash chain is broken (first at position 3)"), "\(forced.error)")
        #expect(forced.error.contains("WARNING: rebuilt from a log that had lost or changed events"), "\(forced.error)")
        #expect(forced.output.contains("rebuilt "), "\(forced.output)")
    }

    @Test("rebuild of a log whose last folded event was replaced: refused, worded as a replacement (not a shorter log)")
    func rebuildOfAReplacedEvent() throws {
        let path = try demoCopy()
        let rebuilt = try registrar("rebuild", "--db", path)
        #expect(rebuilt.status == 0, "\(rebuilt.error)")
        let head = try #require(Int(try sqliteQuery(path, "SELECT MAX(position) FROM events").first ?? ""))
        try Self.cutLastEvent(path, head: head)
        // Another process without the read models appends: its event takes the freed position, the chain is whole.
        #expect(try registrar("stress-append", "--db", path, "--count", "1", "--concurrency", "1").status == 0)
        #expect(try sqliteQuery(path, "SELECT MAX(position) FROM events") == ["\(head)"])
        #expect(!(try registrar("verify", "--db", path, "--skip-read-models").output.contains("NOT INTACT: position")), "the chain itself is whole")

        let refused = try registrar("rebuild", "--db", path)
        #expect(refused.status == 2)
        #expect(refused.error.contains("(another event is there now, with another hash)"), "\(refused.error)")
        #expect(
            refused.error.contains(
                "rebuild refused: an event the read models had folded is no longer in the log (removed, another written in its place)"
            ),
            "\(refused.error)"
        )
        #expect(!refused.error.contains("shorter"), "\(refused.error)")
        let forced = try registrar("rebuild", "--db", path, "--force")
        #expect(forced.status == 0, "\(forced.error)")
        #expect(forced.error.contains("WARNING: an event the read models had folded is no longer in the log"), "\(forced.error)")
        #expect(!forced.error.contains("shorter"), "\(forced.error)")
        #expect(try registrar("rebuild", "--db", path).status == 0, "the read models show the log as it is now")
    }

    @Test("serve refuses to start on a log without its append-only triggers, naming them and verify")
    func serveChecksTheTriggers() throws {
        let path = try stressLog(10)
        try sqliteShell(path, "DROP TRIGGER events_refuse_update;")
        let serve = try serveRefusal(path)
        #expect(serve.status == 2)
        #expect(
            serve.error.contains(
                "serve refused to start: append-only trigger events_refuse_update is missing: the log can be changed outside registrar"
            ),
            "\(serve.error)"
        )
        #expect(serve.error.contains("run `registrar verify --db \(path)`"), "\(serve.error)")
        try sqliteShell(path, "DROP TRIGGER events_refuse_delete;")
        let both = try serveRefusal(path)
        #expect(both.status == 2)
        #expect(both.error.contains("append-only triggers events_refuse_update and events_refuse_delete are missing"), "\(both.error)")
        #expect(try sqliteQuery(path, "SELECT COUNT(*) FROM events") == ["10"], "nothing appended")
    }
}
