import ArgumentParser
import Foundation
import RegistrarBench

/// `registrar bench`: the benchmarks of BENCHMARKS.md, each figure a ratio against a baseline measured in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run the benchmarks (BENCHMARKS.md): every figure is a ratio against a raw-SQLite baseline measured in the same run.",
        discussion: """
            Build with -c release first (`make bench` does). Each scenario writes a fresh SQLite file under --dir and \
            deletes it afterwards unless --keep-files. Progress goes to standard error, the table to standard output.
            """
    )

    /// The benchmark suites.
    enum Suite: String, ExpressibleByArgument, CaseIterable {
        /// Issue 2: appends, group commit, reads, scans and verify against raw SQLite.
        case eventlog
    }

    @Option(name: .long, help: "Directory for the benchmark's SQLite files.")
    var dir = "var/bench"

    @Option(name: .long, help: ArgumentHelp("Run only this suite.", valueName: Suite.allCases.map(\.rawValue).joined(separator: "|")))
    var only: Suite?

    @Option(name: .long, help: "Events in the log that the read, scan and verify scenarios run over.")
    var events = EventLogBenchConfiguration().scanEvents

    @Option(name: .long, help: "Rounds of the durable append scenarios, raw and ours interleaved; the median is reported.")
    var rounds = EventLogBenchConfiguration().rounds

    @Option(name: .long, help: "Durable appends per round in the serial scenarios.")
    var serialAppends = EventLogBenchConfiguration().serialAppends

    @Option(name: .long, help: "Concurrent appenders in the group-commit scenario.")
    var appenders = EventLogBenchConfiguration().concurrentAppenders

    @Option(name: .long, help: "Appends per concurrent appender per round.")
    var appendsPerAppender = EventLogBenchConfiguration().appendsPerAppender

    @Flag(name: .long, help: "Keep the benchmark's SQLite files.")
    var keepFiles = false

    func validate() throws {
        guard events >= 20 else { throw ValidationError("--events must be at least 20 (streams hold 20 events)") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard serialAppends >= 1, appenders >= 1, appendsPerAppender >= 1 else {
            throw ValidationError("--serial-appends, --appenders and --appends-per-appender must be at least 1")
        }
    }

    func run() async throws {
        #if DEBUG
        printError("registrar bench: this is a debug build, its figures mean little; use `make bench` (release)")
        #endif
        let suites = only.map { [$0] } ?? Suite.allCases
        for suite in suites {
            switch suite {
            case .eventlog:
                var configuration = EventLogBenchConfiguration()
                configuration.scanEvents = events
                configuration.rounds = rounds
                configuration.serialAppends = serialAppends
                configuration.concurrentAppenders = appenders
                configuration.appendsPerAppender = appendsPerAppender
                configuration.keepFiles = keepFiles
                do {
                    _ = try await RegistrarBench.runEventLog(
                        directory: URL(fileURLWithPath: dir).appendingPathComponent("eventlog"),
                        configuration: configuration
                    )
                } catch {
                    throw failure("bench failed: \(error)")
                }
            }
        }
    }
}
