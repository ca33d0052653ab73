import Foundation
import TestScratch
import Testing

@Suite("rebuild: interrupted")
struct RebuildInterruptTests {
    @Test("SIGINT while the shadow tables fill drops them, keeps the read models as they were and exits 130")
    func sigint() throws {
        let path = try demoCopy(candidates: 300, seed: 11)
        let first = try registrar("rebuild", "--db", path)
        #expect(first.status == 0, "\(first.error)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try registrarBinary())
        process.arguments = ["rebuild", "--db", path]
        let error = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = error
        try launch(process)
        // The shadow tables appear once the rebuild has started folding: interrupt it then.
        var started = false
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline {
            if try tableNames(path).contains(where: { $0.hasSuffix("__rebuild") }) {
                started = true
                break
            }
            usleep(5_000)
        }
        kill(process.processIdentifier, SIGINT)
        let message = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(started, "the rebuild ended before its shadow tables were seen")
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(process.terminationStatus) \(message)")
        #expect(message.contains("rebuild cancelled; the read models are as before"), "\(message)")
        #expect(try tableNames(path).filter { $0.hasSuffix("__rebuild") }.isEmpty)

        let verify = try registrar("verify", "--db", path)
        #expect(verify.status == 0, "\(verify.output)\(verify.error)")
        for name in ["candidate_view", "review_comparison", "audit_trail"] {
            #expect(verify.output.contains("read model \(name): rebuilt = live"), "\(verify.output)")
        }
    }
}
