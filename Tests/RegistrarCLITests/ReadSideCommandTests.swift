import Foundation
import Testing

@Suite("Read-side commands: rebuild, trace, replay")
struct ReadSideCommandTests {
    @Test("on a demo season: rebuild swaps in identical read models, trace filters and exports CSV, replay goes back in time")
    func demoSeason() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.appendingPathComponent("demo.sqlite").path
        let demo = try registrar("demo", "--db", path, "--candidates", "14", "--seed", "5")
        #expect(demo.status == 0, "\(demo.error)")

        let first = try registrar("rebuild", "--db", path)
        #expect(first.status == 0, "\(first.error)")
        let second = try registrar("rebuild", "--db", path, "--projection", "audit_trail")
        #expect(second.status == 0)
        // Rebuilding the same log twice gives the same rows: the audit trail's content hash is stable.
        let hash = { (output: String) in output.split(separator: "\n").first { $0.contains("audit_trail content hash") } }
        #expect(hash(first.output) != nil && hash(first.output) == hash(second.output))

        let csv = try registrar("trace", "--db", path, "--candidate", "demo_candidate", "--format", "csv")
        #expect(csv.status == 0)
        let lines = csv.output.split(separator: "\n")
        let header = String(lines.first ?? "")
        for column in ["actor", "before", "after", "reason"] { #expect(header.split(separator: ",").contains(Substring(column))) }
        #expect(lines.count > 5)
        #expect(csv.output.contains("李文博"))

        // A cut trail says on standard error where the rest starts; from there, the rest.
        #expect(!csv.error.contains("more follow"))
        let cut = try registrar("trace", "--db", path, "--candidate", "demo_candidate", "--format", "csv", "--limit", "4")
        #expect(cut.status == 0 && cut.output.split(separator: "\n").count == 5)
        let resume = try #require(cut.error.firstRange(of: "--after ").map { String(cut.error[$0.upperBound...].prefix { !$0.isWhitespace }) })
        let rest = try registrar("trace", "--db", path, "--candidate", "demo_candidate", "--format", "csv", "--after", resume)
        #expect(rest.status == 0 && rest.error.isEmpty)
        #expect(Array(cut.output.split(separator: "\n") + rest.output.split(separator: "\n").dropFirst()) == lines)
        let badCursor = try registrar("trace", "--db", path, "--after", "12")
        #expect(badCursor.status != 0 && badCursor.error.contains("--after"))

        let basicOnly = try registrar("trace", "--db", path, "--candidate", "demo_candidate", "--field", "basic.name")
        #expect(basicOnly.output.contains("basic.name"))
        #expect(!basicOnly.output.contains("contact."))
        #expect(!basicOnly.error.contains("no trail rows"))
        // A path the trail does not record (an instant the file keeps) is told as such on standard error, the output
        // staying a whole (empty) document.
        let untracked = try registrar("trace", "--db", path, "--candidate", "demo_candidate", "--field", "registeredAt")
        #expect(untracked.status == 0 && untracked.output == "0 rows\n", "\(untracked.output)")
        #expect(untracked.error.contains("no trail rows for --field registeredAt") && untracked.error.contains("replay --diff"))

        // Time bounds: typed the way people type them, the same rows; what is not an instant, a clear error.
        let utc = try registrar("trace", "--db", path, "--since", "2025-12-01T00:00:00Z", "--until", "2026-01-15T00:00:00.000Z", "--format", "csv")
        let beijing = try registrar(
            "trace",
            "--db",
            path,
            "--since",
            "2025-12-01T08:00:00+08:00",
            "--until",
            "2026-01-15T08:00:00+08:00",
            "--format",
            "csv"
        )
        #expect(utc.status == 0 && beijing.status == 0, "\(utc.error) \(beijing.error)")
        #expect(utc.output.split(separator: "\n").count > 5)
        #expect(utc.output == beijing.output)
        // Dates alone: days in Beijing time, `--until` to the end of its day (2025-12-01 00:00 to 2026-01-15 00:00 北京).
        let days = try registrar("trace", "--db", path, "--since", "2025-12-01", "--until", "2026-01-14", "--format", "csv")
        let daysAsInstants = try registrar(
            "trace",
            "--db",
            path,
            "--since",
            "2025-12-01T00:00:00+08:00",
            "--until",
            "2026-01-15T00:00:00+08:00",
            "--format",
            "csv"
        )
        #expect(days.status == 0 && days.output == daysAsInstants.output && days.output.split(separator: "\n").count > 5, "\(days.error)")
        let garbage = try registrar("trace", "--db", path, "--since", "last tuesday")
        #expect(garbage.status != 0 && garbage.error.contains("--since must be a date"), "\(garbage.error)")
        let reversed = try registrar("trace", "--db", path, "--since", "2026-02-01T00:00:00Z", "--until", "2026-01-01T00:00:00Z")
        #expect(reversed.status != 0 && reversed.error.contains("--until must be later than --since"), "\(reversed.error)")
        let emptyField = try registrar("trace", "--db", path, "--field", "")
        #expect(emptyField.status != 0 && emptyField.error.contains("--field"))
        let pastTheEnd = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--diff", "1..99999")
        #expect(pastTheEnd.status == 0 && pastTheEnd.output.contains("(the latest; 99999 asked)"), "\(pastTheEnd.output.prefix(200))")
        let atWithoutMilliseconds = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--at", "2030-01-01T00:00:00Z")
        #expect(atWithoutMilliseconds.status == 0, "\(atWithoutMilliseconds.error)")

        let replay = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--version", "3")
        #expect(replay.status == 0)
        #expect(replay.output.contains("at version 3"))
        #expect(replay.output.contains("v3 "))
        #expect(!replay.output.contains("v4 "))
        let backwards = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--diff", "5..2")
        #expect(backwards.status != 0 && backwards.error.contains("the first version must not be after the second (2..5?)"), "\(backwards.error)")
        let replayPast = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--version", "99999")
        #expect(replayPast.status == 0 && replayPast.output.contains("(the latest; 99999 asked)"), "\(replayPast.output.prefix(200))")

        let unknown = try registrar("trace", "--db", path, "--candidate", "nobody-at-all")
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("no candidate"))
        let badProjection = try registrar("rebuild", "--db", path, "--projection", "nonsense")
        #expect(badProjection.status != 0)
        #expect(badProjection.error.contains("unknown --projection"))
    }

    @Test("verify folds every read model again and compares it with the live rows: an edited row is named, exit 1")
    func verifyReadModels() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.appendingPathComponent("demo.sqlite").path
        #expect(try registrar("demo", "--db", path, "--candidates", "8", "--seed", "3").status == 0)
        #expect(try registrar("rebuild", "--db", path).status == 0)
        let intact = try registrar("verify", "--db", path)
        #expect(intact.status == 0, "\(intact.output)\(intact.error)")
        for name in ["candidate_view", "review_comparison", "audit_trail"] {
            #expect(intact.output.contains("read model \(name): rebuilt = live"))
        }
        // A read-model row changed behind the engine's back (the log itself is untouched).
        try sqliteShell(path, "UPDATE audit_events SET actor_id = 'someone-else' WHERE position = (SELECT MIN(position) FROM audit_events);")
        let tampered = try registrar("verify", "--db", path)
        #expect(tampered.status == 1)
        #expect(tampered.output.contains("NOT INTACT: read model audit_trail"))
        #expect(!tampered.output.contains("read model candidate_view at position"))
        #expect(try registrar("verify", "--db", path, "--skip-read-models").status == 0)
    }
}
