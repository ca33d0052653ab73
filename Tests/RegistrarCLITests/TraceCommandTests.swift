import Foundation
import Testing

@Suite("trace")
struct TraceCommandTests {
    @Test("without the audit trail read model, trace says what to run and writes nothing; once built, it only reads")
    func readsOnly() throws {
        let path = try demoCopy()
        let tables = try tableNames(path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for arguments in [["trace", "--db", path], ["trace", "--db", path, "--candidate", "demo_candidate"]] {
            let refused = try run(try registrarBinary(), arguments)
            #expect(refused.status == 2)
            #expect(refused.error.contains("the audit trail read model is not installed"), "\(refused.error)")
            #expect(refused.error.contains("registrar rebuild --db \(path) --projection audit_trail"), "\(refused.error)")
        }
        // A candidate that does not exist is named before anything else.
        let unknown = try registrar("trace", "--db", path, "--candidate", "nobody_here")
        #expect(unknown.status == 2 && unknown.error.contains("no candidate with id or username nobody_here"), "\(unknown.error)")
        #expect(try tableNames(path) == tables)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)

        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let built = try tableNames(path)
        let trace = try registrar("trace", "--db", path, "--candidate", "demo_candidate")
        #expect(trace.status == 0, "\(trace.error)")
        #expect(trace.output.contains("李文博"))
        #expect(try tableNames(path) == built)
    }

    @Test("text and CSV rows name the file they are about, so rows of several candidates can be told apart")
    func rowsNameTheirSubject() throws {
        let path = try demoCopy()
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let candidate = try #require(try sqliteQuery(path, "SELECT stream_id FROM claims WHERE claim = 'username:demo_candidate'").first)
        #expect(candidate.hasPrefix("candidate-"))

        let csv = try registrar("trace", "--db", path, "--actor", "chsi-gateway", "--format", "csv")
        #expect(csv.status == 0, "\(csv.error)")
        let lines = csv.output.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let subject = try #require(header.firstIndex(of: "subject"))
        for column in ["actor", "before", "after", "reason"] { #expect(header.contains(column)) }
        let subjects = Set(lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)[subject] })
        #expect(subjects.count > 1, "CHSI answered for several candidates: \(subjects)")
        #expect(subjects.allSatisfy { $0.hasPrefix("candidate-") })

        let text = try registrar("trace", "--db", path, "--candidate", "demo_candidate")
        let rows = text.output.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("[\(candidate)]") }, "\(rows.prefix(3))")
    }

    @Test("--actor takes a staff or candidate username as well as an actor id; the help names real ids")
    func actorByUsername() throws {
        let path = try demoCopy()
        #expect(try registrar("rebuild", "--db", path, "--projection", "audit_trail").status == 0)
        let admin = try #require(try sqliteQuery(path, "SELECT stream_id FROM claims WHERE claim = 'username:demo_admin'").first)
        #expect(admin.hasPrefix("staff-"))
        let byName = try registrar("trace", "--db", path, "--actor", "demo_admin", "--format", "csv")
        let byID = try registrar("trace", "--db", path, "--actor", admin, "--format", "csv")
        #expect(byName.status == 0 && byID.status == 0, "\(byName.error)\(byID.error)")
        #expect(byName.output.split(separator: "\n").count > 1)
        #expect(byName.output == byID.output)
        let candidate = try registrar("trace", "--db", path, "--actor", "demo_candidate", "--format", "csv")
        #expect(candidate.output.split(separator: "\n").count > 1)

        let help = try registrar("trace", "--help").output
        #expect(help.contains("chsi-gateway") && help.contains("username"))
        #expect(!help.contains("(candidate, staff, chsi, bank, system)"))
    }
}
