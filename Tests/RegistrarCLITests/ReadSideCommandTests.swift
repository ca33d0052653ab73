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

        let basicOnly = try registrar("trace", "--db", path, "--candidate", "demo_candidate", "--field", "basic.name")
        #expect(basicOnly.output.contains("basic.name"))
        #expect(!basicOnly.output.contains("contact."))

        let replay = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--version", "3")
        #expect(replay.status == 0)
        #expect(replay.output.contains("at version 3"))
        #expect(replay.output.contains("v3 "))
        #expect(!replay.output.contains("v4 "))

        let unknown = try registrar("trace", "--db", path, "--candidate", "nobody-at-all")
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("no candidate"))
        let badProjection = try registrar("rebuild", "--db", path, "--projection", "nonsense")
        #expect(badProjection.status != 0)
        #expect(badProjection.error.contains("unknown --projection"))
    }
}
