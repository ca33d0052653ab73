import Foundation
import Testing

@Suite("replay")
struct ReplayCommandTests {
    @Test("a staff account, the season's stream or another stream given as --candidate is named as such, exit 2")
    func notACandidate() throws {
        let path = try demoCopy()
        let staff = try registrar("replay", "--db", path, "--candidate", "demo_admin")
        #expect(staff.status == 2)
        #expect(staff.error.contains("--candidate demo_admin is a staff account (staff-"), "\(staff.error)")
        #expect(staff.error.contains("not a candidate"))
        let season = try registrar("replay", "--db", path, "--candidate", "season-2026")
        #expect(season.status == 2)
        #expect(season.error.contains("--candidate season-2026 is not a candidate's file"), "\(season.error)")
        for output in [staff.error, season.error] { #expect(!output.contains("unknown event type")) }
        // trace takes a staff account or the season as its subject (TraceCommandTests), replay does not.

        // A log of other streams (stress-append's): not a candidate's file either.
        let other = try makeTemporaryDirectory().appendingPathComponent("other.sqlite").path
        #expect(try registrar("stress-append", "--db", other, "--count", "3", "--concurrency", "1").status == 0)
        let stream = try #require(try sqliteQuery(other, "SELECT stream_id FROM events LIMIT 1").first)
        let foreign = try registrar("replay", "--db", other, "--candidate", stream)
        #expect(foreign.status == 2)
        #expect(foreign.error.contains("is not a candidate's file"), "\(foreign.error)")
    }

    @Test("--at before the registration says the file did not exist yet, and when it was registered")
    func beforeRegistration() throws {
        let path = try demoCopy()
        let before = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--at", "2000-01-01T00:00:00Z")
        #expect(before.status == 0, "\(before.error)")
        #expect(before.output.contains("did not exist yet at 2000-01-01T00:00:00Z: it was registered at 20"), "\(before.output)")
        #expect(!before.output.contains("at version 0"))
        let versionZero = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--version", "0")
        #expect(versionZero.output.contains("did not exist yet at version 0"), "\(versionZero.output)")
    }

    /// A script reading a JSON diff learns which versions it compares: a version past the file's last one is the latest.
    @Test("replay --diff as JSON names the versions compared and the changes; a version past the end is the latest")
    func jsonDiffNamesItsVersions() throws {
        let path = try demoCopy()
        let diff = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--diff", "0..1", "--format", "json")
        #expect(diff.status == 0, "\(diff.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(diff.output.utf8)) as? [String: Any])
        #expect(object["fromVersion"] as? Int == 0 && object["toVersion"] as? Int == 1)
        #expect((object["changes"] as? [[String: Any]])?.contains { $0["path"] as? String == "basic.name" } == true, "\(diff.output)")
        let latest = try #require(object["latestVersion"] as? Int)
        let past = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--diff", "1..100000", "--format", "json")
        let clamped = try #require(try JSONSerialization.jsonObject(with: Data(past.output.utf8)) as? [String: Any])
        #expect(clamped["toVersion"] as? Int == latest && clamped["latestVersion"] as? Int == latest, "\(past.output)")
    }
}
