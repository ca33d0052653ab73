import EventLog
import Foundation
import TestScratch
import Testing

@Suite("Crash safety")
struct CrashTests {
    @Test("every append acknowledged before a SIGKILL is present after reopening, and the chain verifies")
    func killNineLosesNothingAcknowledged() async throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.appendingPathComponent("crash.sqlite").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try registrarBinary())
        process.arguments = ["stress-append", "--db", path, "--concurrency", "8"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try launch(process)

        // Read acknowledgements until enough have arrived, then kill without warning.
        var acknowledged = [Int64]()
        var buffer = Data()
        let reader = output.fileHandleForReading
        let deadline = Date().addingTimeInterval(60)
        while acknowledged.count < 300 && Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if line.hasPrefix("ack "), let position = Int64(line.dropFirst(4)) { acknowledged.append(position) }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        // Acknowledgements already in the pipe were printed before the kill: they count too.
        buffer.append(reader.readDataToEndOfFile())
        for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.hasPrefix("ack ") {
            if let position = Int64(line.dropFirst(4)) { acknowledged.append(position) }
        }
        #expect(acknowledged.count >= 300)

        let store = try SQLiteEventStore(path: path)
        let head = try await store.headPosition()
        let stored = Set(try await store.readAll(after: 0, limit: Int(head) + 1).map(\.position))
        let lost = acknowledged.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "acknowledged but lost: \(lost.prefix(10))")
        #expect(head >= acknowledged.max() ?? 0)
        let report = try await store.verify()
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.eventsChecked == head)
    }
}
