import Foundation
import TestScratch
import Testing

/// Options refused up front, naming the option and the rule, with exit 2 and nothing changed on disk.
@Suite("Option validation")
struct OptionValidationTests {
    let directory: URL
    let path: String

    init() throws {
        directory = try makeTemporaryDirectory()
        path = directory.appendingPathComponent("log.sqlite").path
        let filled = try registrar("stress-append", "--db", path, "--count", "20", "--concurrency", "2")
        #expect(filled.status == 0, "\(filled.error)")
    }

    /// Runs `registrar` and expects a refusal: exit 2, no crash, the message on standard error.
    private func expectRefused(_ arguments: [String], saying message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(try registrarBinary(), arguments)
        #expect(result.status == 2, "\(arguments): exit \(result.status) \(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.contains(message), "\(arguments): \(result.error)", sourceLocation: sourceLocation)
        #expect(!result.error.contains("Fatal error") && !result.error.contains("Backtrac"), sourceLocation: sourceLocation)
    }

    @Test("a refused option exits 2 (not argument-parser's 64), naming the option")
    func usageErrorsExitTwo() throws {
        try expectRefused(["replay", "--db", path, "--candidate", "x", "--version=-1"], saying: "--version must be 0 or more")
        // A negative number after a space is the option's value too, refused by the option's rule.
        try expectRefused(["replay", "--db", path, "--candidate", "x", "--version", "-1"], saying: "--version must be 0 or more")
        try expectRefused(["trace", "--db", path, "--limit", "-5"], saying: "--limit must be between 1 and")
        try expectRefused(["demo", "--db", directory.appendingPathComponent("new.sqlite").path, "--seed", "-1"], saying: "--seed")
        try expectRefused(
            ["trace", "--db", path, "--since", "last tuesday"],
            saying: "--since must be a date (a day in Beijing time) or an ISO-8601 instant"
        )
        try expectRefused(["rebuild", "--db", path, "--projection", "nonsense"], saying: "unknown --projection nonsense")
        // The published development secrets are refused on an address other machines reach (a bank confirmation
        // signed with them would pass).
        try expectRefused(["serve", "--db", path, "--host", "0.0.0.0"], saying: "REGISTRAR_CHSI_SECRET, REGISTRAR_BANK_SECRET, REGISTRAR_QR_KEY")
        try expectRefused(
            ["serve", "--db", path, "--host", "0.0.0.0", "--chsi-secret", "c", "--bank-secret", "b"],
            saying: "REGISTRAR_QR_KEY still hold"
        )
        try expectRefused(["serve", "--db", path, "--bank-secret", ""], saying: "--bank-secret must not be empty")
        // Help is no error.
        #expect(try registrar("trace", "--help").status == 0)
    }

    @Test("replay --diff with --version or --at is refused rather than ignoring them")
    func replayDiffWithPoint() throws {
        for extra in [["--version", "2"], ["--at", "2026-01-12T03:00:00Z"]] {
            try expectRefused(
                ["replay", "--db", path, "--candidate", "demo_candidate", "--diff", "3..5"] + extra,
                saying: "give --diff or --version/--at, not both"
            )
        }
    }

    @Test("the simulators refuse empty values before sending anything")
    func simulatorsRefuseEmptyValues() throws {
        try expectRefused(["chsi-sim", "--url", "http://127.0.0.1:9", "--scan", ""], saying: "--scan must not be empty")
        try expectRefused(["chsi-sim", "--url", "http://127.0.0.1:9", "--scan", "scan-1", "--school", " "], saying: "--school must not be empty")
        try expectRefused(["chsi-sim", "--url", "http://127.0.0.1:9", "--scan", "scan-1", "--secret", ""], saying: "--secret must not be empty")
        try expectRefused(["bank-sim", "--url", "http://127.0.0.1:9", "--order", "", "--amount", "50000"], saying: "--order must not be empty")
    }

    private func snapshotCount() throws -> String {
        let shell = try #require(which("sqlite3"))
        return try run(shell, [path, "SELECT COUNT(*) FROM snapshots"]).output
    }

    @Test("snapshot --dictionary-size out of range or without --train-dictionary is refused before any snapshot is written")
    func dictionarySize() throws {
        let before = try snapshotCount()
        for size in ["-5", "0", "100", "255", "999999999999", "16777217"] {
            try expectRefused(
                ["snapshot", "--db", path, "--train-dictionary", "--dictionary-size=\(size)"],
                saying: "--dictionary-size must be between 256 and 16777216 bytes"
            )
        }
        try expectRefused(["snapshot", "--db", path, "--dictionary-size", "4096"], saying: "--dictionary-size needs --train-dictionary")
        #expect(try snapshotCount() == before)
    }

    @Test("trace --limit past the bound is refused, not an arithmetic overflow")
    func traceLimit() throws {
        for limit in ["0", "-1", "9223372036854775807", "10000001"] {
            try expectRefused(["trace", "--db", path, "--limit=\(limit)"], saying: "--limit must be between 1 and 10000000")
        }
    }
}

@Suite("Simulators' help")
struct SimulatorHelpTests {
    @Test("bank-sim and chsi-sim --help never print the shared secret taken from the environment")
    func helpHidesSecrets() throws {
        let secret = "s3cr3t-\(UUID().uuidString)"
        for (command, variable) in [("bank-sim", "REGISTRAR_BANK_SECRET"), ("chsi-sim", "REGISTRAR_CHSI_SECRET")] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try registrarBinary())
            process.arguments = [command, "--help"]
            process.environment = ProcessInfo.processInfo.environment.merging([variable: secret]) { $1 }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try launch(process)
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(text.contains("--secret"), "\(text)")
            #expect(!text.contains(secret), "\(command) --help shows the secret: \(text)")
            #expect(!text.contains("dev-bank-secret") && !text.contains("dev-chsi-secret"))
        }
    }
}

@Suite("A server that cannot start")
struct ServeStartFailureTests {
    @Test("serve that cannot listen exits 2 naming the host, and leaves no new file behind")
    func noFileLeftBehind() throws {
        let directory = try makeTemporaryDirectory()
        let path = directory.appendingPathComponent("never.sqlite").path
        // 192.0.2.1 is TEST-NET-1: never an address of this machine.
        let result = try registrar("serve", "--db", path, "--host", "192.0.2.1", "--port", "0", "--allow-development-secrets")
        #expect(result.status == 2, "\(result.error)")
        #expect(result.error.contains("cannot listen on --host 192.0.2.1"), "\(result.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        // Nor the demo it played into a new file first (`make run` plays one).
        let demo = try registrar("serve", "--db", path, "--host", "192.0.2.1", "--port", "0", "--allow-development-secrets", "--demo", "2")
        #expect(demo.status == 2, "\(demo.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
