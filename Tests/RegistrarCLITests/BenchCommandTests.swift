import Foundation
import Testing

/// `registrar bench --repeat`: each run against a peer run of its own, every run's ratios side by side. The peer here
/// is a script printing fixed figures, chosen so that the outcome of each check does not depend on this machine: one
/// target is always missed, the others always met (the benchmark's own figures are never asserted).
@Suite("Bench command")
struct BenchCommandTests {
    @Test("--repeat 2: two tables, two peer runs, and a summary with every run's ratios and what was met")
    func repeatedRuns() throws {
        let directory = try makeTemporaryDirectory()
        let runs = directory.appendingPathComponent("peer-runs.log").path
        let script = directory.appendingPathComponent("peer.py")
        try """
        import json
        with open(\(String(reflecting: runs)), "a") as log:
            log.write("run\\n")
        print(json.dumps({"candidates": 1, "events": 20, "per_event_save_eps": 1e-6, "batch_save_eps": 1e-6,
                          "load_p50_us": 1e12, "load_p99_us": 1e-9, "load_snapshot_p50_us": 1e12,
                          "load_snapshot_p99_us": 1e12, "read_decode_eps": 1.0, "library_version": "fixed",
                          "python_version": "fixed", "sqlite_version": "fixed"}))
        """.write(to: script, atomically: true, encoding: .utf8)
        let python = try #require(which("python3"), "python3 is installed by the Makefile")
        let result = try registrar(
            "bench",
            "--only",
            "commands",
            "--repeat",
            "2",
            "--clients",
            "2",
            "--candidates-per-client",
            "1",
            "--loads",
            "100",
            "--peer-python",
            python,
            "--peer-script",
            script.path,
            "--dir",
            directory.appendingPathComponent("bench").path
        )
        #expect(result.status == 0, "\(result.error)")
        #expect(try String(contentsOfFile: runs, encoding: .utf8) == "run\nrun\n")
        #expect(result.output.components(separatedBy: "Command path vs the Python eventsourcing peer").count == 3)
        let summary = try #require(result.output.components(separatedBy: "Command path, 2 runs").last)
        let lines = summary.split(separator: "\n").map(String.init)
        let loadP99 = try #require(lines.first { $0.hasPrefix("load p99") })
        #expect(loadP99.components(separatedBy: "MISSED").count == 3 && loadP99.hasSuffix("0 of 2"), "\(loadP99)")
        for met in ["commands/s", "load p50", "snapshot load p50", "snapshot load p99"] {
            let line = try #require(lines.first { $0.hasPrefix(met) }, "\(met)")
            #expect(!line.contains("MISSED") && line.hasSuffix("2 of 2"), "\(line)")
        }
        #expect(lines.last == "8 of 10 checks met; every check met in 0 of 2 runs")
    }

    @Test("--repeat outside 1...50 is refused, naming the option")
    func repeatOutOfRange() throws {
        for value in ["0", "51", "-1"] {
            let result = try registrar("bench", "--only", "commands", "--repeat=\(value)")
            #expect(result.status != 0)
            #expect(result.error.contains("--repeat must be from 1 to 50"), "\(result.error)")
        }
    }
}
