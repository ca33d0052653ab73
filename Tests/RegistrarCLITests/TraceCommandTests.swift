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
}
