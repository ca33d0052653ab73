import ArgumentParser
import Foundation
import RegistrarBench

/// `registrar bench`: the benchmarks of BENCHMARKS.md, each figure a ratio against a baseline measured in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract:
            "Run the benchmarks (BENCHMARKS.md): every figure is a ratio against a baseline (raw SQLite, the Python peer) measured in the same run.",
        discussion: """
            Build with -c release first (`make bench` does). Each scenario writes a fresh SQLite file under --dir and \
            deletes it afterwards unless --keep-files. Progress goes to standard error, the table to standard output.
            """
    )

    /// The benchmark suites.
    enum Suite: String, ExpressibleByArgument, CaseIterable {
        /// Issue 2: appends, group commit, reads, scans and verify against raw SQLite.
        case eventlog
        /// Issue 3: the full command path and candidate loads against the Python eventsourcing peer.
        case commands
        /// Issue 4: rebuilding every read model against a raw scan and the peer's read + decode.
        case rebuild
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

    @Option(name: .long, help: "Concurrent clients in the command-path scenario, each on its own candidates.")
    var clients = CommandPathBenchConfiguration().clients

    @Option(name: .long, help: "Candidates per client per round in the command-path scenario (20 events each).")
    var candidatesPerClient = CommandPathBenchConfiguration().candidatesPerClient

    @Option(name: .long, help: "Command-path suite: timed candidate loads per measurement and round.")
    var loads = CommandPathBenchConfiguration().loads

    @Option(
        name: .long,
        help: "Python of a venv with tools/peer/requirements.txt installed (`make bench` creates .build-peer-venv); without it, no peer ratios."
    )
    var peerPython: String?

    @Option(name: .long, help: "The peer script.")
    var peerScript = "tools/peer/peer_bench.py"

    @Option(name: .long, help: "Candidates in the peer's workload (20 events each).")
    var peerCandidates = 2_000

    @Option(name: .long, help: "Candidates of the demo season the rebuild scenario plays.")
    var rebuildCandidates = RebuildBenchConfiguration().candidates

    @Option(name: .long, help: "Also rebuild a log of this many candidates (the demo season replicated); `make bench-scale`.")
    var scaleCandidates: Int?

    @Flag(name: .long, help: "Command-path suite: also time the parts of a candidate load one by one (standard error).")
    var breakdown = false

    @Option(name: .long, help: "Command-path suite: candidate files the service keeps in memory between commands (0: off).")
    var stateCache = CommandPathBenchConfiguration().stateCacheCapacity

    @Option(
        name: .long,
        help: "Command-path suite: run it this many times, each against a peer run of its own, then print every run's ratios side by side."
    )
    var `repeat` = 1

    @Flag(name: .long, help: "Keep the benchmark's SQLite files.")
    var keepFiles = false

    func validate() throws {
        guard events >= 20 else { throw ValidationError("--events must be at least 20 (streams hold 20 events)") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard stateCache >= 0 else { throw ValidationError("--state-cache must not be negative") }
        guard serialAppends >= 1, appenders >= 1, appendsPerAppender >= 1 else {
            throw ValidationError("--serial-appends, --appenders and --appends-per-appender must be at least 1")
        }
        guard (1...50).contains(`repeat`) else { throw ValidationError("--repeat must be from 1 to 50") }
        guard loads >= 100 else { throw ValidationError("--loads must be at least 100 (a p99 of fewer is one sample)") }
        guard clients >= 1, candidatesPerClient >= 1, peerCandidates >= 1, rebuildCandidates >= 1 else {
            throw ValidationError("--clients, --candidates-per-client, --peer-candidates and --rebuild-candidates must be at least 1")
        }
        if let peerPython, !FileManager.default.isExecutableFile(atPath: peerPython) {
            throw ValidationError("--peer-python \(peerPython) is not an executable (`make bench` creates .build-peer-venv)")
        }
    }

    func run() async throws {
        #if DEBUG
        printError("registrar bench: this is a debug build, its figures mean little; use `make bench` (release)")
        #endif
        let suites = only.map { [$0] } ?? Suite.allCases
        let peerConfiguration = peerPython.map {
            PeerConfiguration(
                python: $0,
                script: peerScript,
                candidates: peerCandidates,
                directory: URL(fileURLWithPath: dir).appendingPathComponent("peer").path
            )
        }
        let peer = PeerRun(configuration: peerConfiguration)
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
            case .commands:
                var configuration = CommandPathBenchConfiguration()
                configuration.clients = clients
                configuration.candidatesPerClient = candidatesPerClient
                configuration.loads = loads
                configuration.breakdown = breakdown
                configuration.stateCacheCapacity = stateCache
                configuration.keepFiles = keepFiles
                var reports = [CommandPathBenchReport]()
                do {
                    for run in 0..<`repeat` {
                        if `repeat` > 1 { printError("command path: run \(run + 1) of \(`repeat`)") }
                        // Each run's ratios against a peer run of its own, made between its rounds.
                        let peerOfRun = run == 0 ? peer : PeerRun(configuration: peerConfiguration)
                        reports.append(
                            try await RegistrarBench.runCommandPath(
                                directory: URL(fileURLWithPath: dir).appendingPathComponent("commands"),
                                configuration: configuration,
                                peer: peerOfRun
                            )
                        )
                    }
                } catch {
                    throw failure("bench failed: \(error)")
                }
                if `repeat` > 1 { print("\n" + RegistrarBench.commandPathSummary(reports)) }
            case .rebuild:
                var configuration = RebuildBenchConfiguration()
                configuration.candidates = rebuildCandidates
                configuration.scaleCandidates = scaleCandidates
                configuration.keepFiles = keepFiles
                do {
                    _ = try await RegistrarBench.runRebuild(
                        directory: URL(fileURLWithPath: dir).appendingPathComponent("rebuild"),
                        configuration: configuration,
                        peer: peer
                    )
                } catch {
                    throw failure("bench failed: \(error)")
                }
            }
            print("")
        }
    }
}
