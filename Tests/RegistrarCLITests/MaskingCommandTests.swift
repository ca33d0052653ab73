import Foundation
import Testing

@Suite("replay and trace mask ID numbers unless asked")
struct MaskingCommandTests {
    /// The demo candidate's ID number, read from the log itself.
    func idNumber(_ path: String) throws -> String {
        let candidate = try #require(try sqliteQuery(path, "SELECT stream_id FROM claims WHERE claim = 'username:demo_candidate'").first)
        return try #require(
            try sqliteQuery(
                path,
                "SELECT json_extract(data, '$.idNumber') FROM events WHERE stream_id = '\(candidate)' AND event_type = 'CandidateRegistered'"
            ).first
        )
    }

    @Test("replay shows the number masked in text, JSON and diffs; --show-id-numbers in full")
    func replay() throws {
        let path = try demoCopy()
        let number = try idNumber(path)
        let masked = String(number.prefix(3)) + String(repeating: "*", count: number.count - 7) + String(number.suffix(4))
        for format in ["text", "json"] {
            let shown = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--format", format)
            #expect(shown.status == 0, "\(shown.error)")
            #expect(shown.output.contains(masked), "\(format)")
            #expect(!shown.output.contains(number), "\(format): the full number")
            let full = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--format", format, "--show-id-numbers")
            #expect(full.output.contains(number), "\(format)")
        }
        let diff = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--diff", "0..1")
        #expect(diff.status == 0, "\(diff.error)")
        #expect(diff.output.contains("basic.idNumber: — → \(masked)"), "\(diff.output)")
        let fullDiff = try registrar("replay", "--db", path, "--candidate", "demo_candidate", "--diff", "0..1", "--show-id-numbers")
        #expect(fullDiff.output.contains("basic.idNumber: — → \(number)"), "\(fullDiff.output)")
    }

    @Test("trace shows the number masked in every format; --show-id-numbers in full")
    func trace() throws {
        let path = try demoCopy()
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let number = try idNumber(path)
        for format in ["text", "json", "csv"] {
            let arguments = ["trace", "--db", path, "--candidate", "demo_candidate", "--field", "basic.idNumber", "--format", format]
            let shown = try run(try registrarBinary(), arguments)
            #expect(shown.status == 0, "\(shown.error)")
            #expect(shown.output.contains(String(number.prefix(3)) + "***"), "\(format): \(shown.output)")
            #expect(!shown.output.contains(number), "\(format): the full number")
            #expect(try run(try registrarBinary(), arguments + ["--show-id-numbers"]).output.contains(number), "\(format)")
        }
    }
}
