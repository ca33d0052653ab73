import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `registrar serve` through the real binary: prints its URL, answers, and shuts down gracefully on a signal.
@Suite struct ServeCommandTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func servesThenStopsOnSignal(_ signal: Int32) async throws {
        let directory = try makeTemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try registrarBinary())
        process.arguments = ["serve", "--db", directory.appendingPathComponent("log.sqlite").path, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The first line names the URL (port 0: the server picked a free one).
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = output.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "serve exited before printing its URL")
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let url = try #require(text.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(url.hasPrefix("http://127.0.0.1:"))

        let (body, response) = try await URLSession.shared.data(from: try #require(URL(string: url + "health")))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("\"status\":\"ok\""))

        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "serve did not stop within 10 s of the signal")
        #expect(process.terminationStatus == 0)
    }

    @Test func refusesABadPort() throws {
        let result = try registrar("serve", "--db", "/tmp/unused.sqlite", "--port", "70000")
        #expect(result.status != 0)
        #expect(result.error.contains("--port"))
    }
}
