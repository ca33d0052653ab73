import Foundation
import Synchronization

/// The figures of one run of the Python peer (`tools/peer/peer_bench.py --json`, the `eventsourcing` library on
/// SQLite); see tools/peer/README.md for what each one times.
public struct PeerFigures: Sendable, Equatable, Decodable {
    /// Candidate aggregates in the peer's workload (20 events each).
    public var candidates: Int
    /// Events in the peer's workload.
    public var events: Int
    /// Every event saved in its own transaction (events/s).
    public var perEventSaveEps: Double
    /// A candidate's 20 events saved in one transaction (events/s).
    public var batchSaveEps: Double
    /// `repository.get` of a 20-event candidate, no snapshots: median (µs).
    public var loadP50Us: Double
    /// The same, 99th percentile (µs).
    public var loadP99Us: Double
    /// `repository.get` with a snapshot every 10 events: median (µs).
    public var loadSnapshotP50Us: Double
    /// The same, 99th percentile (µs).
    public var loadSnapshotP99Us: Double
    /// The whole log read through the notification log and decoded into domain events (events/s).
    public var readDecodeEps: Double
    /// `eventsourcing`'s version.
    public var libraryVersion: String
    /// CPython's version.
    public var pythonVersion: String
    /// The SQLite library Python links.
    public var sqliteVersion: String

    enum CodingKeys: String, CodingKey {
        case candidates, events
        case perEventSaveEps = "per_event_save_eps"
        case batchSaveEps = "batch_save_eps"
        case loadP50Us = "load_p50_us"
        case loadP99Us = "load_p99_us"
        case loadSnapshotP50Us = "load_snapshot_p50_us"
        case loadSnapshotP99Us = "load_snapshot_p99_us"
        case readDecodeEps = "read_decode_eps"
        case libraryVersion = "library_version"
        case pythonVersion = "python_version"
        case sqliteVersion = "sqlite_version"
    }
}

/// How to run the peer.
public struct PeerConfiguration: Sendable {
    /// The Python interpreter of the venv that has `tools/peer/requirements.txt` installed.
    public var python: String
    /// `tools/peer/peer_bench.py`.
    public var script: String
    /// Candidates in the peer's workload (20 events each); the README's figures are for 2,000.
    public var candidates: Int
    /// Where the peer's three SQLite files go.
    public var directory: String

    /// Creates a configuration.
    public init(python: String, script: String = "tools/peer/peer_bench.py", candidates: Int = 2_000, directory: String) {
        self.python = python
        self.script = script
        self.candidates = candidates
        self.directory = directory
    }
}

/// Runs the peer script at most once per `registrar bench` (as a subprocess, so its figures come from the same run
/// as ours) and hands the figures to every suite that compares with them.
public final class PeerRun: Sendable {
    /// How the peer runs; nil when no interpreter was given (the suites then print our figures without ratios).
    public let configuration: PeerConfiguration?
    private let cached = Mutex<PeerFigures?>(nil)
    private let log: @Sendable (String) -> Void

    /// Creates the runner; nothing runs until ``figures()`` is called.
    public init(
        configuration: PeerConfiguration?,
        log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
    ) {
        self.configuration = configuration
        self.log = log
    }

    /// The peer's figures: runs the script the first time (its progress goes to our standard error), then returns the
    /// same figures. Nil when no interpreter was configured.
    public func figures() async throws -> PeerFigures? {
        if let figures = cached.withLock({ $0 }) { return figures }
        guard let configuration else { return nil }
        log("peer: \(configuration.python) \(configuration.script) --candidates \(configuration.candidates) (eventsourcing on SQLite)")
        let (output, seconds) = try await Stopwatch.time { try await Self.run(configuration) }
        let figures: PeerFigures
        do {
            figures = try JSONDecoder().decode(PeerFigures.self, from: output)
        } catch {
            throw BenchError("peer printed no usable JSON (\(error)): \(String(decoding: output.prefix(300), as: UTF8.self))")
        }
        log(String(format: "peer: done in %.0f s", seconds))
        cached.withLock { $0 = figures }
        return figures
    }

    /// Runs the script to completion on a thread of its own (it takes a minute; the cooperative pool stays free).
    private static func run(_ configuration: PeerConfiguration) async throws -> Data {
        try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: configuration.python)
        process.arguments = [
            configuration.script, "--candidates", String(configuration.candidates), "--db-dir", configuration.directory, "--json",
        ]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            throw BenchError("cannot start the peer with \(configuration.python): \(error) (`make bench` creates .build-peer-venv)")
        }
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let output = stdout.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                if process.terminationStatus == 0 {
                    continuation.resume(returning: output)
                } else {
                    continuation.resume(throwing: BenchError("the peer exited with status \(process.terminationStatus)"))
                }
            }
        }
    }
}
