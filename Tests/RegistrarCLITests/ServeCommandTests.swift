import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
import TestScratch
#endif

/// `registrar serve` through the real binary: prints its URL, answers, and shuts down gracefully on a signal.
@Suite struct ServeCommandTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func servesThenStopsOnSignal(_ signal: Int32) async throws {
        let directory = try makeTemporaryDirectory()
        // Port 0: the server picked a free one and names it.
        let (process, url, printed) = try launchServePrinting(["--db", directory.appendingPathComponent("log.sqlite").path, "--port", "0"])
        defer { if process.isRunning { process.terminate() } }
        #expect(url.hasPrefix("http://127.0.0.1:"))
        // The URLs it prints answer.
        for path in ["login", "api/v1/", "openapi.json", "health", "metrics"] {
            #expect(printed.contains(url + path), "\(path) in \(printed)")
        }
        for path in ["login", "openapi.json", "metrics"] {
            let (_, response) = try await URLSession.shared.data(from: try #require(URL(string: url + path)))
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(path)")
        }

        let (body, response) = try await URLSession.shared.data(from: try #require(URL(string: url + "health")))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("\"status\":\"ok\""))

        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "serve did not stop within 10 s of the signal")
        #expect(process.terminationStatus == 0)
    }

    /// `registrar bank-sim` and `registrar chsi-sim` against a served demo season: signed callbacks the server
    /// accepts, a bank confirmation delivered twice appending once, and clear errors for an unreachable server.
    @Test func simulatorsDeliverSignedCallbacks() async throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.appendingPathComponent("log.sqlite").path
        let (process, url) = try launchServe(["--db", path, "--port", "0", "--demo", "12"])
        defer { if process.isRunning { process.terminate() } }

        let shell = try #require(which("sqlite3"), "the sqlite3 shell is installed by the Makefile")
        func query(_ sql: String) throws -> String {
            try run(shell, ["-readonly", path, sql]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // The demo leaves one payment pending: the bank answers it.
        let pending = try query(
            """
            SELECT json_extract(data, '$.orderNumber') || ' ' || json_extract(data, '$.amountFen') FROM events
            WHERE event_type = 'PaymentStarted' AND json_extract(data, '$.orderNumber') NOT IN
              (SELECT json_extract(data, '$.orderNumber') FROM events WHERE event_type IN ('PaymentConfirmed', 'PaymentFailed'))
            LIMIT 1
            """
        ).split(separator: " ").map(String.init)
        try #require(pending.count == 2, "no pending payment in the demo")
        let (order, amount) = (pending[0], pending[1])
        let confirmed = "SELECT count(*) FROM events WHERE event_type = 'PaymentConfirmed' AND json_extract(data, '$.orderNumber') = '\(order)'"
        #expect(try query(confirmed) == "0")
        let paid = try registrar("bank-sim", "--url", url, "--order", order, "--amount", amount, "--transaction", "txn-sim-1", "--twice")
        #expect(paid.status == 0, "\(paid.output) \(paid.error)")
        #expect(paid.output.contains("200"))
        #expect(try query(confirmed) == "1", "delivered twice, confirmed once")

        // CHSI's answer for a scan nobody started: past the signature check (not 401), refused as unknown (exit 1).
        let unknownScan = try registrar("chsi-sim", "--url", url, "--scan", "scan-unknown")
        #expect(unknownScan.status == 1)
        #expect(unknownScan.output.contains("chsi-sim: 404"), "\(unknownScan.output)")
        // A scan the demo started, named by id: found from the log (its QR code made again), expired long ago (410).
        let demoScan = try query("SELECT json_extract(data, '$.scanID') FROM events WHERE event_type = 'ChsiScanStarted' LIMIT 1")
        let expired = try registrar("chsi-sim", "--url", url, "--scan", demoScan)
        #expect(expired.status == 1 && expired.output.contains("chsi-sim: 410"), "\(expired.output)")
        let wrongSecret = try registrar("chsi-sim", "--url", url, "--scan", "scan-unknown", "--secret", "not-the-secret")
        #expect(wrongSecret.status == 1 && wrongSecret.output.contains("chsi-sim: 401"), "\(wrongSecret.output)")

        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let unreachable = try registrar("bank-sim", "--url", url, "--order", order, "--amount", amount)
        #expect(unreachable.status != 0 && unreachable.error.contains("cannot reach"), "\(unreachable.error)")
        let notAURL = try registrar("chsi-sim", "--url", "localhost", "--scan", "x")
        #expect(notAURL.status != 0 && notAURL.error.contains("invalid --url"), "\(notAURL.error)")
        // The bank is told the order's amount: no default that would be wrong for half the orders.
        let noAmount = try registrar("bank-sim", "--url", url, "--order", order)
        #expect(noAmount.status != 0 && noAmount.error.contains("--amount"), "\(noAmount.error)")
        // CHSI's dates as CHSI writes them.
        let badDate = try registrar("chsi-sim", "--url", url, "--scan", "x", "--graduation", "2010-07")
        #expect(badDate.status != 0 && badDate.error.contains("--graduation must be a date as CHSI writes it, YYYYMMDD"), "\(badDate.error)")
    }

    /// Starts `registrar serve` with `arguments` and returns it with the URL it prints once it listens (after the
    /// demo's summary, when it plays one).
    private func launchServe(_ arguments: [String]) throws -> (process: Process, url: String) {
        let launched = try launchServePrinting(arguments)
        return (launched.process, launched.url)
    }

    /// The same, with everything the server printed up to and including its URLs.
    private func launchServePrinting(_ arguments: [String]) throws -> (process: Process, url: String, printed: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try registrarBinary())
        process.arguments = ["serve"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try launch(process)
        var printed = Data()
        while !String(decoding: printed, as: UTF8.self).contains("registrar serving") || printed.last != 0x0A {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { process.terminate() }
            try #require(!chunk.isEmpty, "serve exited before printing its URL")
            printed.append(chunk)
        }
        let text = String(decoding: printed, as: UTF8.self)
        let line = try #require(text.split(separator: "\n").last { $0.contains("registrar serving") })
        return (process, String(try #require(line.split(separator: " ").last)), text)
    }

    /// `make run` a second time serves the log as it is and names the demo accounts again.
    @Test func aDemoLogServedAgainNamesItsAccounts() throws {
        let path = try makeTemporaryDirectory().appendingPathComponent("log.sqlite").path
        let first = try launchServePrinting(["--db", path, "--port", "0", "--demo", "12"])
        first.process.terminate()
        first.process.waitUntilExit()
        let again = try launchServePrinting(["--db", path, "--port", "0", "--demo", "12"])
        defer { again.process.terminate() }
        #expect(again.printed.contains("already holds events"), "\(again.printed)")
        #expect(again.printed.contains("demo_admin / Admin2026") && again.printed.contains("demo_candidate / Demo2026"), "\(again.printed)")
        // Without --season, the season the log holds (T13: a server of another id would serve an empty season beside it).
        #expect(again.printed.contains("season       2026 (stream season-2026; --season names another)"), "\(again.printed)")
    }

    @Test func refusesABadPort() throws {
        let result = try registrar("serve", "--db", "/tmp/unused.sqlite", "--port", "70000")
        #expect(result.status != 0)
        #expect(result.error.contains("--port"))
    }
}
