import EventLog
import Foundation
import GRDB
import RegistrarApp
import RegistrationDomain

/// Sizes of the command-path benchmark (issue 3). The defaults take about 30 s on a 2-core machine in release mode,
/// plus the peer's minute.
public struct CommandPathBenchConfiguration: Sendable {
    /// Concurrent clients, each working through its own candidates one command at a time.
    public var clients = 64
    /// Candidates each client takes through the timed run (after one untimed warm-up candidate each).
    public var candidatesPerClient = 12
    /// A snapshot is written when a stream crosses a multiple of this many events (the peer's interval).
    public var snapshotEvery = 10
    /// Timed `CommandHandler.load` calls per measurement (the peer's number), after `loadWarmUp` untimed ones.
    public var loads = 2_000
    /// Untimed loads first.
    public var loadWarmUp = 100
    /// Rounds, each on a fresh file; with a peer, the first runs before it and the others after it, so that both
    /// sides see the machine at about the same time. Rates are the median of the rounds, latencies pooled.
    public var rounds = 2
    /// Keep the bench files instead of deleting them.
    public var keepFiles = false
    /// Also time the parts of a load one by one (in round 1, printed to standard error): the async and the blocking
    /// hop to GRDB's reader pool, `loadSnapshot`, the state's decoding, `readStream`, `readPayloads`, event decoding and folding.
    public var breakdown = false
    /// Candidate files the service keeps in memory between commands (`RegistrarService.Configuration`); each round
    /// also runs the same number of candidates through a second service with the cache off, reported beside.
    public var stateCacheCapacity = RegistrarService.Configuration(seasonId: "").stateCacheCapacity

    /// The defaults.
    public init() {}
}

/// Every figure of one run of the command-path benchmark.
public struct CommandPathBenchReport: Sendable {
    /// The machine.
    public var machine: MachineFacts
    /// The sizes used.
    public var configuration: CommandPathBenchConfiguration
    /// The peer's figures from this run, when it ran.
    public var peer: PeerFigures?
    /// Commands per candidate, events per candidate.
    public var commandsPerCandidate: Int
    /// Events per candidate (the peer's 20).
    public var eventsPerCandidate: Int
    /// Payload (data) bytes of our events: min, mean, max.
    public var dataBytes: (min: Int, mean: Double, max: Int)
    /// Metadata bytes of our events: min, mean, max.
    public var metadataBytes: (min: Int, mean: Double, max: Int)
    /// Durable commands per second through `RegistrarService.execute` (median of rounds).
    public var commandsPerSecond: Double
    /// Events per second appended by those commands (median of rounds).
    public var eventsPerSecond: Double
    /// Each round's commands per second.
    public var commandRounds: [Double]
    /// Latency of one `execute`, pooled over rounds.
    public var commandLatency: Latency
    /// Durable commands per second with the state cache off (every command loads its file), median of rounds.
    public var uncachedCommandsPerSecond: Double
    /// Latency of one `execute` with the state cache off, pooled over rounds.
    public var uncachedCommandLatency: Latency
    /// `CommandHandler.load` of a 20-event candidate, no snapshot stored.
    public var load: Latency
    /// `CommandHandler.load` with snapshots at versions 10 and 20 (snapshot + empty tail).
    public var loadWithSnapshot: Latency
    /// Seconds the whole benchmark took (the peer included).
    public var totalSeconds: Double
    /// The ratios, with issue 3's targets (empty without a peer).
    public var checks: [RatioCheck]
    /// The printed table.
    public var table: String
}

extension RegistrarBench {
    /// Runs the command-path benchmark (issue 3) in `directory` against the peer (run through `peer` if it has not
    /// run yet), printing progress with `log` and the table with `print`.
    public static func runCommandPath(
        directory: URL,
        configuration: CommandPathBenchConfiguration = CommandPathBenchConfiguration(),
        peer: PeerRun,
        log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
    ) async throws -> CommandPathBenchReport {
        let report = try await CommandPathBench(directory: directory, configuration: configuration, peer: peer, log: log).run()
        print(report.table)
        return report
    }
}

extension RegistrarBench {
    /// The checks of several runs side by side, and how many were met: on a shared machine one run is one sample of
    /// its speed at that moment (BENCHMARKS.md, issue 3), so `--repeat` reports every run, not the best one.
    public static func commandPathSummary(_ reports: [CommandPathBenchReport]) -> String {
        let targeted = reports.first?.checks.filter { $0.minimum != nil } ?? []
        guard !targeted.isEmpty else { return "\(reports.count) runs: no peer, no ratios (pass --peer-python)" }
        var table = TextTable(header: ["check (target)"] + reports.indices.map { "run \($0 + 1)" } + ["met"])
        var met = 0
        for target in targeted {
            let checks = reports.map { $0.checks.first { $0.name == target.name } }
            let metHere = checks.filter { $0?.isMet == true }.count
            met += metHere
            table.rows.append(
                ["\(target.name) (≥ \(Figures.ratio(target.minimum ?? 0)))"]
                    + checks.map { check in check.map { Figures.ratio($0.ratio) + ($0.isMet ? "" : " MISSED") } ?? "—" }
                    + ["\(metHere) of \(reports.count)"]
            )
        }
        let runsAllMet = reports.filter { $0.checks.allSatisfy(\.isMet) }.count
        return [
            "Command path, \(reports.count) runs, each against the peer measured in the same run",
            table.render(),
            "\(met) of \(targeted.count * reports.count) checks met; every check met in \(runsAllMet) of \(reports.count) runs",
        ]
        .joined(separator: "\n")
    }
}

/// The clock of the benchmark's service: each client task carries the instant of the season phase its current
/// command belongs to (a task-local), so that 64 candidates can be in different phases of the season at once. The
/// time is only an input to the deciders; what a command costs does not depend on it.
final class PhaseClock: RegistrarApp.Clock {
    @TaskLocal static var current = CommandPathWorkload.beforeRegistration

    func now() -> Date { Self.current }
}

/// One run of the command-path benchmark.
struct CommandPathBench {
    let directory: URL
    let configuration: CommandPathBenchConfiguration
    let peer: PeerRun
    let log: @Sendable (String) -> Void

    struct Round {
        var commandsPerSecond: Double
        var eventsPerSecond: Double
        var commandLatencies: [Double]
        var uncachedCommandsPerSecond: Double
        var uncachedCommandLatencies: [Double]
        var loads: [Double]
        var snapshotLoads: [Double]
        var dataBytes: [Int]
        var metadataBytes: [Int]
    }

    func run() async throws -> CommandPathBenchReport {
        let started = ContinuousClock.now
        var machine = MachineFacts.current()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log(
            "command path bench: \(configuration.clients) clients × \(configuration.candidatesPerClient) candidates per round, files in \(directory.path)"
        )
        var rounds = [Round]()
        var peerFigures: PeerFigures?
        for round in 1...max(1, configuration.rounds) {
            if round == 2 { peerFigures = try await peer.figures() }
            rounds.append(try await self.round(round))
        }
        if configuration.rounds < 2 { peerFigures = try await peer.figures() }
        machine.loadAverageAtEnd = MachineFacts.loadAverage()

        let workload = CommandPathWorkload(round: 0)
        let script = workload.script(0)
        let data = rounds.flatMap(\.dataBytes)
        let metadata = rounds.flatMap(\.metadataBytes)
        func spread(_ values: [Int]) -> (min: Int, mean: Double, max: Int) {
            (values.min() ?? 0, Double(values.reduce(0, +)) / Double(max(1, values.count)), values.max() ?? 0)
        }
        var report = CommandPathBenchReport(
            machine: machine,
            configuration: configuration,
            peer: peerFigures,
            commandsPerCandidate: script.steps.count,
            eventsPerCandidate: CommandPathWorkload.eventsPerCandidate,
            dataBytes: spread(data),
            metadataBytes: spread(metadata),
            commandsPerSecond: median(rounds.map(\.commandsPerSecond)),
            eventsPerSecond: median(rounds.map(\.eventsPerSecond)),
            commandRounds: rounds.map(\.commandsPerSecond),
            commandLatency: Latency(seconds: rounds.flatMap(\.commandLatencies)),
            uncachedCommandsPerSecond: median(rounds.map(\.uncachedCommandsPerSecond)),
            uncachedCommandLatency: Latency(seconds: rounds.flatMap(\.uncachedCommandLatencies)),
            load: Latency(seconds: rounds.flatMap(\.loads)),
            loadWithSnapshot: Latency(seconds: rounds.flatMap(\.snapshotLoads)),
            totalSeconds: 0,
            checks: [],
            table: ""
        )
        if let peer = peerFigures {
            report.checks = [
                RatioCheck(name: "commands/s ÷ peer 1 event/txn", ratio: report.commandsPerSecond / peer.perEventSaveEps, minimum: 4),
                RatioCheck(name: "events/s ÷ peer 1 event/txn", ratio: report.eventsPerSecond / peer.perEventSaveEps, minimum: nil),
                RatioCheck(name: "events/s ÷ peer 1 candidate/txn", ratio: report.eventsPerSecond / peer.batchSaveEps, minimum: nil),
                RatioCheck(name: "load p50 (peer time ÷ ours)", ratio: peer.loadP50Us / report.load.p50, minimum: 7),
                RatioCheck(name: "load p99 (peer time ÷ ours)", ratio: peer.loadP99Us / report.load.p99, minimum: 7),
                RatioCheck(name: "snapshot load p50", ratio: peer.loadSnapshotP50Us / report.loadWithSnapshot.p50, minimum: 7),
                RatioCheck(name: "snapshot load p99", ratio: peer.loadSnapshotP99Us / report.loadWithSnapshot.p99, minimum: 7),
            ]
        }
        report.totalSeconds = Stopwatch.seconds(ContinuousClock.now - started)
        report.table = Self.table(report)
        return report
    }

    // MARK: One round

    private func round(_ round: Int) async throws -> Round {
        let path = directory.appendingPathComponent("commands-r\(round).sqlite").path
        remove(path)
        defer { if !configuration.keepFiles { remove(path) } }
        let store = try SQLiteEventStore(path: path)
        let service = try RegistrarService(
            store: store,
            clock: PhaseClock(),
            ids: SeededIDGenerator(seed: 2026),
            configuration: RegistrarService.Configuration(
                seasonId: CommandPathWorkload.seasonId,
                snapshotEvery: configuration.snapshotEvery,
                passwordHasher: CommandPathWorkload.passwordHasher,
                stateCacheCapacity: configuration.stateCacheCapacity
            )
        )
        let uncachedService = try RegistrarService(
            store: store,
            clock: PhaseClock(),
            ids: SeededIDGenerator(seed: 2027),
            configuration: RegistrarService.Configuration(
                seasonId: CommandPathWorkload.seasonId,
                snapshotEvery: configuration.snapshotEvery,
                passwordHasher: CommandPathWorkload.passwordHasher,
                stateCacheCapacity: 0
            )
        )
        let workload = CommandPathWorkload(round: round)
        try await workload.setUpSeason(service)
        let seasonEvents = try await store.headPosition()
        let clients = configuration.clients

        // Warm-up: one candidate per client, untimed (first statements prepared, pools and caches filled).
        _ = try await drive(service, workload, clients: clients, candidates: Array(0..<clients))
        // Timed: client c takes candidates c, c + clients, ... through every command of their season.
        let first = clients
        let timedCandidates = Array(first..<(first + clients * configuration.candidatesPerClient))
        let (latencies, seconds) = try await Stopwatch.time {
            try await drive(service, workload, clients: clients, candidates: timedCandidates)
        }
        let commands = latencies.count
        let events = timedCandidates.count * CommandPathWorkload.eventsPerCandidate
        // The same number of further candidates through the service without the state cache.
        let afterTimed = first + timedCandidates.count
        let uncachedCandidates = Array(afterTimed..<(afterTimed + timedCandidates.count))
        let (uncachedLatencies, uncachedSeconds) = try await Stopwatch.time {
            try await drive(uncachedService, workload, clients: clients, candidates: uncachedCandidates)
        }
        let head = try await store.headPosition()
        let allCandidates = first + timedCandidates.count + uncachedCandidates.count
        guard head == seasonEvents + Int64(allCandidates * CommandPathWorkload.eventsPerCandidate) else {
            throw BenchError("log head is \(head) after round \(round); expected \(seasonEvents) + \(allCandidates) × 20")
        }
        let result = Round(
            commandsPerSecond: Double(commands) / seconds,
            eventsPerSecond: Double(events) / seconds,
            commandLatencies: latencies,
            uncachedCommandsPerSecond: Double(uncachedLatencies.count) / uncachedSeconds,
            uncachedCommandLatencies: uncachedLatencies,
            loads: [],
            snapshotLoads: [],
            dataBytes: [],
            metadataBytes: []
        )
        log(
            String(
                format: "round %d: %d commands, %d events in %.2f s: %.0f commands/s, %.0f events/s; state cache off: %.0f commands/s",
                round,
                commands,
                events,
                seconds,
                result.commandsPerSecond,
                result.eventsPerSecond,
                result.uncachedCommandsPerSecond
            )
        )
        return try await measureLoads(service, store: store, workload: workload, candidates: allCandidates, into: result, round: round)
    }

    /// Runs the candidates' scripts on `clients` concurrent tasks; returns each command's latency.
    private func drive(_ service: RegistrarService, _ workload: CommandPathWorkload, clients: Int, candidates: [Int]) async throws -> [Double] {
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for client in 0..<clients {
                let mine = stride(from: client, to: candidates.count, by: clients).map { candidates[$0] }
                group.addTask {
                    var latencies = [Double]()
                    latencies.reserveCapacity(mine.count * 16)
                    for index in mine {
                        let script = workload.script(index)
                        for (number, step) in script.steps.enumerated() {
                            let start = ContinuousClock.now
                            do {
                                try await PhaseClock.$current.withValue(step.at) {
                                    _ = try await service.execute(
                                        step.command,
                                        candidateId: script.candidateId,
                                        actor: step.actor,
                                        request: step.request
                                    )
                                }
                            } catch {
                                throw BenchError("candidate \(index), step \(number + 1) (\(step.name)): \(error)")
                            }
                            latencies.append(Stopwatch.seconds(ContinuousClock.now - start))
                        }
                    }
                    return latencies
                }
            }
            var all = [Double]()
            for try await latencies in group { all += latencies }
            return all
        }
    }

    /// `CommandHandler.load` of random 20-event candidates: with the snapshots the command path wrote (at versions
    /// 10 and 20, so a load is the snapshot and an empty tail), then with the snapshots deleted (a load is a miss
    /// on the snapshot table and 20 events read, decoded and folded). The same picks for both.
    private func measureLoads(
        _ service: RegistrarService,
        store: SQLiteEventStore,
        workload: CommandPathWorkload,
        candidates: Int,
        into round: Round,
        round number: Int
    ) async throws -> Round {
        var result = round
        var generator = SplitMix64(seed: 2027 &+ UInt64(number))
        let picks = (0..<configuration.loads).map { _ in workload.candidateId(Int(generator.next() % UInt64(candidates))) }
        let warmUp = Array(picks.prefix(configuration.loadWarmUp))
        let snapshots = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM snapshots") ?? 0 }
        let expectedSnapshots = configuration.snapshotEvery > 0 ? candidates : 0  // one per stream: the newest
        guard snapshots >= expectedSnapshots else { throw BenchError("\(snapshots) snapshots stored, expected \(expectedSnapshots)") }
        if configuration.breakdown && number == 1 { try await breakdown(service, store: store, picks: picks) }
        result.snapshotLoads = try await timeLoads(service, picks: picks, warmUp: warmUp)
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM snapshots") }
        result.loads = try await timeLoads(service, picks: picks, warmUp: warmUp)
        // Sizes of what the command path stored, for the report.
        let sizes = try store.pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT length(CAST(data AS BLOB)), length(CAST(metadata AS BLOB)) FROM events WHERE stream_id LIKE 'candidate-%'"
            )
        }
        result.dataBytes = sizes.map { $0[0] }
        result.metadataBytes = sizes.map { $0[1] }
        log(
            "round \(number) loads: snapshot \(Figures.latency(Latency(seconds: result.snapshotLoads))), "
                + "no snapshot \(Figures.latency(Latency(seconds: result.loads)))"
        )
        return result
    }

    /// The parts of a load, each timed alone over the same picks (diagnostics for BENCHMARKS.md, not a target).
    private func breakdown(_ service: RegistrarService, store: SQLiteEventStore, picks: [String]) async throws {
        func measure(_ name: String, _ body: (String) async throws -> Void) async throws {
            for id in picks.prefix(100) { try await body(id) }
            var samples = [Double]()
            for id in picks {
                let start = ContinuousClock.now
                try await body(id)
                samples.append(Stopwatch.seconds(ContinuousClock.now - start))
            }
            log("breakdown \(name): \(Figures.latency(Latency(seconds: samples)))")
        }
        let snapshot = try await store.loadSnapshot(streamId: picks[0], stateSchemaVersion: CandidateState.stateSchemaVersion)!
        let events = try await store.readStream(picks[0], fromVersion: 1, toVersion: nil)
        try await measure("empty pool.read") { _ in try await store.pool.read { _ in } }
        try await measure("sync pool.read") { _ in try store.pool.read { _ in } }
        try await measure("loadSnapshot") { id in
            _ = try await store.loadSnapshot(streamId: id, stateSchemaVersion: CandidateState.stateSchemaVersion)
        }
        let state = try CandidateState(snapshotPayload: snapshot.payload)
        let json = try CanonicalJSON.encode(state)
        try await measure("compact binary state (\(snapshot.payload.count) B)") { _ in _ = try CandidateState(snapshotPayload: snapshot.payload) }
        try await measure("encode compact binary state") { _ in _ = state.compactBinary() }
        try await measure("FastJSONDecoder state (\(json.count) B JSON)") { _ in _ = try FastJSONDecoder().decode(CandidateState.self, from: json) }
        try await measure("readStream 20") { id in _ = try await store.readStream(id, fromVersion: 1, toVersion: nil) }
        try await measure("readStream tail 0") { id in _ = try await store.readStream(id, fromVersion: 21, toVersion: nil) }
        try await measure("readPayloads 20 (what a load reads)") { id in _ = try await store.readPayloads(id, fromVersion: 1, toVersion: nil) }
        try await measure("decode 20 events") { _ in for event in events { _ = try EventCatalog.candidateCodec.decode(event) } }
        try await measure("decode + evolve 20") { _ in
            var state = CandidateDecider.initial
            for event in events { state = CandidateDecider.evolve(state, try EventCatalog.candidateCodec.decode(event)) }
        }
        try await measure("replay 20 (readPayloads, decode, evolve)") { id in _ = try await service.candidates.replay(id) }
        try await measure("load with snapshot") { id in _ = try await service.candidates.load(id) }
    }

    private func timeLoads(_ service: RegistrarService, picks: [String], warmUp: [String]) async throws -> [Double] {
        for id in warmUp { _ = try await service.candidates.load(id) }
        var latencies = [Double]()
        latencies.reserveCapacity(picks.count)
        for id in picks {
            let start = ContinuousClock.now
            let (state, version) = try await service.candidates.load(id)
            latencies.append(Stopwatch.seconds(ContinuousClock.now - start))
            guard version == CommandPathWorkload.eventsPerCandidate, state.isRegistered else {
                throw BenchError("load(\(id)) gave version \(version), expected \(CommandPathWorkload.eventsPerCandidate)")
            }
        }
        return latencies
    }

    private func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    // MARK: Table

    static func table(_ report: CommandPathBenchReport) -> String {
        let configuration = report.configuration
        func verdict(_ check: RatioCheck) -> String {
            guard let minimum = check.minimum else { return "(reported)" }
            return String(format: "≥ %.0f×  %@", minimum, check.isMet ? "met" : "MISSED")
        }
        func microseconds(_ value: Double) -> String {
            value >= 1000 ? String(format: "%.2f ms", value / 1000) : String(format: "%.0f µs", value)
        }
        let peer = report.peer
        let checks = report.checks
        func ratio(_ index: Int) -> String { checks.indices.contains(index) ? Figures.ratio(checks[index].ratio) : "—" }
        func target(_ index: Int) -> String { checks.indices.contains(index) ? verdict(checks[index]) : "(no peer)" }
        let clients = configuration.clients
        var table = TextTable(header: ["scenario", "peer (eventsourcing)", "Registrar", "ratio", "target"])
        table.rows = [
            [
                "1. durable commands, \(clients) clients", peer.map { "\(Figures.rate($0.perEventSaveEps)) (1/txn)" } ?? "—",
                "\(Figures.count(report.commandsPerSecond)) cmd/s", ratio(0), target(0),
            ],
            [
                "   events appended by them", peer.map { "\(Figures.rate($0.perEventSaveEps)) (1/txn)" } ?? "—",
                Figures.rate(report.eventsPerSecond), ratio(1), target(1),
            ],
            [
                "   vs peer 20 events per transaction", peer.map { "\(Figures.rate($0.batchSaveEps)) (20/txn)" } ?? "—",
                Figures.rate(report.eventsPerSecond), ratio(2), target(2),
            ],
            ["   command latency p50 / p99", "", Figures.latency(report.commandLatency), "", ""],
            [
                "   state cache off: commands", peer.map { "\(Figures.rate($0.perEventSaveEps)) (1/txn)" } ?? "—",
                "\(Figures.count(report.uncachedCommandsPerSecond)) cmd/s",
                peer.map { Figures.ratio(report.uncachedCommandsPerSecond / $0.perEventSaveEps) } ?? "—", "(reported)",
            ],
            ["   state cache off: latency p50 / p99", "", Figures.latency(report.uncachedCommandLatency), "", ""],
            [
                "2. load a 20-event candidate, p50", peer.map { microseconds($0.loadP50Us) } ?? "—", microseconds(report.load.p50), ratio(3),
                target(3),
            ],
            ["   p99", peer.map { microseconds($0.loadP99Us) } ?? "—", microseconds(report.load.p99), ratio(4), target(4)],
            [
                "3. load with snapshots every \(configuration.snapshotEvery), p50", peer.map { microseconds($0.loadSnapshotP50Us) } ?? "—",
                microseconds(report.loadWithSnapshot.p50), ratio(5), target(5),
            ],
            [
                "   p99", peer.map { microseconds($0.loadSnapshotP99Us) } ?? "—", microseconds(report.loadWithSnapshot.p99), ratio(6),
                target(6),
            ],
        ]
        let machine = report.machine
        let load = [machine.loadAverageAtStart, machine.loadAverageAtEnd].map { $0.map { String(format: "%.2f", $0) } ?? "?" }
        let candidates = configuration.clients * (2 * configuration.candidatesPerClient + 1)
        let peerLine =
            peer.map {
                "peer: eventsourcing \($0.libraryVersion), Python \($0.pythonVersion), SQLite \($0.sqliteVersion); "
                    + "\(Figures.count(Double($0.candidates))) candidates × 20 events, run between our rounds 1 and 2"
            } ?? "peer: not run (pass --peer-python; `make bench` does)"
        let lines = [
            "Command path vs the Python eventsourcing peer (issue 3): WAL, synchronous=FULL on both sides; ratios measured in this run",
            "machine: \(machine.cores) cores (\(machine.cpuModel)), SQLite \(machine.sqliteVersion), load average \(load[0]) → \(load[1])",
            peerLine,
            "ours: RegistrarService.execute (load snapshot + tail or the cached state of the file, decide, append with metadata, "
                + "claims, idempotency; state cache \(configuration.stateCacheCapacity) files, then as many candidates again with it off), "
                + "\(report.commandsPerCandidate) commands = \(report.eventsPerCandidate) events per candidate, snapshot every "
                + "\(configuration.snapshotEvery); \(configuration.rounds) rounds of \(Figures.count(Double(candidates))) candidates "
                + "(\(configuration.clients) warm-up), median",
            String(
                format: "event data %d–%d B (mean %.0f), metadata %d–%d B (mean %.0f); loads: %@ random candidates per round, pooled",
                report.dataBytes.min,
                report.dataBytes.max,
                report.dataBytes.mean,
                report.metadataBytes.min,
                report.metadataBytes.max,
                report.metadataBytes.mean,
                Figures.count(Double(configuration.loads))
            ),
            "",
            table.render(),
            "",
            "rounds: " + report.commandRounds.map { "\(Figures.count($0)) cmd/s" }.joined(separator: ", ")
                + String(format: "; whole benchmark %.0f s (the peer included)", report.totalSeconds),
        ]
        return lines.joined(separator: "\n")
    }
}

// MARK: - The workload

/// One command of a candidate's season, with who sends it, when, and its request context.
struct CommandStep: Sendable {
    let name: String
    let at: Date
    let actor: RegistrationDomain.Actor
    let request: RequestContext
    let command: CandidateCommand
}

/// A candidate's whole season: 16 commands that append exactly 20 events.
struct CandidateScript: Sendable {
    let candidateId: String
    let steps: [CommandStep]
}

/// The benchmark's candidates, a pure function of the round and the candidate's number: registration (with a
/// one-round password hasher: hashing is slow on purpose and is not what is compared), contact and work details, two
/// education entries each verified through a CHSI scan, an application submitted, abandoned and submitted again
/// during online registration, approval and signature at the on-site review, and an online payment confirmed by the
/// bank. Text is Chinese where the real forms are.
struct CommandPathWorkload: Sendable {
    let round: Int

    static let seasonId = "2026"
    static let eventsPerCandidate = 20
    /// One PBKDF2 round: the credential row is written in the append transaction as in production, but the hashing
    /// itself (210,000 rounds, ~100 ms by design) is left out of a throughput comparison of event stores.
    static let passwordHasher = PasswordHasher(rounds: 1)
    static func at(_ text: String) -> Date { Instant.date(from: text)! }
    static let seasonSetUp = at("2025-12-01T01:00:00.000Z")
    static let beforeRegistration = at("2025-12-20T02:00:00.000Z")
    static let registration = at("2026-01-12T03:00:00.000Z")
    static let review = at("2026-02-15T02:00:00.000Z")
    static let payment = at("2026-03-01T02:00:00.000Z")
    static let admin = RegistrationDomain.Actor.admin("staff-admin")
    static let reviewer = RegistrationDomain.Actor.reviewer("staff-reviewer-1101", area: "11", sites: ["1101"])
    static let chsi = RegistrationDomain.Actor.chsi
    static let bank = RegistrationDomain.Actor.bank

    static let surnames = [
        ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"),
        ("吴", "wu"), ("周", "zhou"), ("欧阳", "ouyang"), ("司马", "sima"),
    ]
    static let givenNames = [
        ("伟", "wei"), ("芳", "fang"), ("明华", "minghua"), ("丽娟", "lijuan"), ("建国", "jianguo"), ("晓东", "xiaodong"), ("静", "jing"),
        ("海涛", "haitao"), ("思远", "siyuan"), ("雨桐", "yutong"),
    ]
    static let addresses = [
        "北京市朝阳区朝阳门外大街甲6号万通中心C座1203室", "北京市海淀区中关村大街59号3号楼2单元501室",
        "北京市东城区东单北大街帅府园1号4门302室", "北京市西城区西直门南小街147号院7号楼1101室",
        "北京市丰台区右安门外西头条10号南区职工宿舍",
    ]
    static let hospitals = [
        "北京协和医院", "首都医科大学附属北京天坛医院", "北京大学第一医院", "中国医学科学院阜外医院", "首都医科大学附属北京朝阳医院",
    ]
    static let schools = [
        ("北京大学医学部", "临床医学"), ("首都医科大学", "临床医学"), ("中国医科大学", "基础医学"), ("复旦大学上海医学院", "临床医学"),
        ("四川大学华西临床医学院", "临床医学"),
    ]

    /// The season every candidate registers for: the 2026 calendar, exam 110, area 11 (online payment), site 1101.
    func setUpSeason(_ service: RegistrarService) async throws {
        let at = Self.at
        let commands: [SeasonCommand] = [
            .open(OpenSeason(seasonID: Self.seasonId, title: "2026年医师资格考试")),
            .setCalendar(
                SetSeasonCalendar(
                    calendar: SeasonCalendar(
                        registrationOpens: at("2026-01-08T01:00:00.000Z"),
                        registrationCloses: at("2026-01-22T09:00:00.000Z"),
                        reviewOpens: at("2026-02-10T00:00:00.000Z"),
                        reviewCloses: at("2026-03-10T00:00:00.000Z"),
                        paymentOpens: at("2026-02-20T00:00:00.000Z"),
                        paymentCloses: at("2026-03-31T00:00:00.000Z")
                    )
                )
            ),
            .setPhotoSizeLimit(SetPhotoSizeLimit(maximumBytes: 30 * 1024)),
            .addExam(AddExam(code: "110", name: "临床执业医师", level: .physician, category: .clinical)),
            .addExam(AddExam(code: "120", name: "临床执业助理医师", level: .assistantPhysician, category: .clinical)),
            .addArea(AddExamArea(code: "11", name: "北京考区", onlinePayment: true, refundPolicy: "实践技能考试开始前申请，全额退费；考试开始后不予退费。")),
            .addSite(AddExamSite(code: "1101", name: "东城区考点", areaCode: "11")),
            .addSite(AddExamSite(code: "1102", name: "海淀区考点", areaCode: "11")),
        ]
        try await PhaseClock.$current.withValue(Self.seasonSetUp) {
            for (number, command) in commands.enumerated() {
                try await service.execute(
                    command,
                    actor: Self.admin,
                    request: RequestContext(requestId: "req-season-\(number)", channel: "web")
                )
            }
        }
    }

    func candidateId(_ index: Int) -> String { "candidate-r\(round)-" + pad(index, 7) }

    func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Candidate `index`'s season.
    func script(_ index: Int) -> CandidateScript {
        let id = candidateId(index)
        let (surname, surnamePinyin) = Self.surnames[index % Self.surnames.count]
        let (given, givenPinyin) = Self.givenNames[(index / Self.surnames.count) % Self.givenNames.count]
        let name = surname + given
        // A valid 居民身份证 number, unique per index: 110105 (朝阳区), a birth date in 1980–1999, a sequence number.
        let birthYear = 1980 + (index / 900) % 20
        let birth = "\(birthYear)" + pad(1 + index % 12, 2) + pad(1 + (index / 12) % 28, 2)
        let first17 = "110105" + birth + pad(index % 1000, 3)
        let idNumber = first17 + String(Rules.residentIDCheckCharacter(first17)!)
        let (school, major) = Self.schools[index % Self.schools.count]
        let bachelorStart = birthYear + 18
        let masterStart = bachelorStart + 5
        let bachelor = EducationInput(
            region: "大陆",
            school: school,
            category: "高等医学教育",
            enrolment: "\(bachelorStart)-09",
            graduation: "\(masterStart)-07",
            studyForm: "普通全日制",
            level: "本科",
            degree: "医学学士",
            length: "五年制",
            major: major,
            certificateNumber: "10001" + pad(masterStart, 4) + "05" + pad(index % 10_000_000, 7)
        )
        let master = EducationInput(
            region: "大陆",
            school: "北京协和医学院",
            category: "高等医学教育",
            enrolment: "\(masterStart)-09",
            graduation: "\(masterStart + 3)-07",
            studyForm: "普通全日制",
            level: "硕士研究生",
            degree: "医学硕士",
            major: "内科学(心血管病)",
            certificateNumber: "10023" + pad(masterStart + 3, 4) + "02" + pad(index % 10_000_000, 7)
        )
        func chsi(_ entry: EducationInput, level: String, school: String) -> ChsiRecord {
            ChsiRecord(
                name: name,
                idNumber: idNumber,
                school: school,
                major: entry.major!,
                level: level,
                studyForm: "普通全日制",
                educationCategory: "普通高等教育",
                enrolmentDate: entry.enrolment!.replacingOccurrences(of: "-", with: "") + "01",
                graduationDate: entry.graduation!.replacingOccurrences(of: "-", with: "") + "01",
                conclusion: "毕业"
            )
        }
        let candidate = RegistrationDomain.Actor.candidate(id)
        var steps = [CommandStep]()
        func step(
            _ name: String,
            _ at: Date,
            _ command: CandidateCommand,
            as actor: RegistrationDomain.Actor? = nil,
            channel: String = "web",
            reason: String? = nil,
            causedBy cause: String? = nil
        ) {
            let requestId = "req-\(id)-" + pad(steps.count + 1, 2)
            let request = RequestContext(
                requestId: requestId,
                correlationId: cause ?? requestId,
                causationId: cause,
                channel: channel,
                reason: reason
            )
            steps.append(CommandStep(name: name, at: at, actor: actor ?? candidate, request: request, command: command))
        }
        var previousRequest: String { "req-\(id)-" + pad(steps.count, 2) }

        let before = Self.beforeRegistration
        step(
            "register",
            before,
            .register(
                RegisterCandidate(
                    candidateID: id,
                    username: "ks\(round)_" + pad(index, 7),
                    name: name,
                    surnamePinyin: surnamePinyin,
                    givenNamePinyin: givenPinyin,
                    idType: IDType.residentID.rawValue,
                    idNumber: idNumber,
                    nationality: "中国",
                    ethnicity: index % 7 == 0 ? "回族" : "汉族",
                    password: "abc12345",
                    recoveryQuestion: "我的母校是哪所学校?",
                    recoveryAnswer: "北京协和医学院"
                )
            )
        )
        step(
            "updateContact",
            before,
            .updateContact(
                UpdateContactDetails(
                    candidateID: id,
                    contact: ContactInput(
                        homePhone: "010-6" + pad(index % 10_000_000, 7),
                        mobile: "139" + pad(index % 100_000_000, 8),
                        email: "kaosheng\(index)@example.cn",
                        address: Self.addresses[index % Self.addresses.count],
                        postcode: "100020"
                    )
                )
            )
        )
        step(
            "updateWork",
            before,
            .updateWork(
                UpdateWorkDetails(
                    candidateID: id,
                    work: WorkInput(
                        onDutyStatus: "在职",
                        workUnit: Self.hospitals[index % Self.hospitals.count] + "心血管内科",
                        title: "住院医师",
                        titleObtained: "\(masterStart + 3)-12"
                    )
                )
            )
        )
        for (entryId, entry, level, school) in [("e1", bachelor, "本科", school), ("e2", master, "硕士研究生", "北京协和医学院")] {
            let entryID = "\(id)-\(entryId)"
            step("addEducation", before, .addEducation(AddEducationEntry(candidateID: id, entryID: entryID, education: entry)))
            let scanID = "scan-\(id)-\(entryId)"
            step("startChsiScan", before, .startChsiScan(StartChsiScan(candidateID: id, entryID: entryID, scanID: scanID)))
            step(
                "recordChsiResult",
                before,
                .recordChsiResult(
                    RecordChsiResult(candidateID: id, entryID: entryID, scanID: scanID, record: chsi(entry, level: level, school: school))
                ),
                as: Self.chsi,
                channel: "chsi",
                causedBy: previousRequest
            )
        }
        func submit(_ applicationID: String) -> CandidateCommand {
            .submitApplication(
                SubmitApplication(
                    candidateID: id,
                    applicationID: applicationID,
                    examCode: "110",
                    educationEntryIDs: ["\(id)-e2"],
                    trainingEntryIDs: [],
                    certificateEntryID: nil,
                    areaCode: "11",
                    siteCode: "1101",
                    attemptCount: nil,
                    additionalSubject: nil,
                    photo: PhotoUpload(photoID: "photo-\(id)-\(applicationID)", format: "jpg", sizeBytes: 20_480 + index % 8_000),
                    passNumber: nil
                )
            )
        }
        let first = "\(id)-a1"
        let second = "\(id)-a2"
        step("submitApplication", Self.registration, submit(first))
        step("abandonApplication", Self.registration, .abandonApplication(AbandonApplication(candidateID: id, applicationID: first)))
        step("submitApplication", Self.registration, submit(second))
        step(
            "approveApplication",
            Self.review,
            .approveApplication(ApproveApplication(candidateID: id, applicationID: second, note: "已核对毕业证书原件，与填报一致")),
            as: Self.reviewer,
            channel: "review-site"
        )
        step(
            "recordSignature",
            Self.review,
            .recordSignature(RecordSignature(candidateID: id, applicationID: second)),
            as: Self.reviewer,
            channel: "review-site"
        )
        let order = "order-\(id)-1"
        step(
            "startPayment",
            Self.payment,
            .startPayment(StartPayment(candidateID: id, applicationID: second, orderNumber: order, amountFen: 15_000))
        )
        step(
            "recordBankResult",
            Self.payment,
            .recordBankResult(
                RecordBankResult(
                    candidateID: id,
                    applicationID: second,
                    orderNumber: order,
                    bankTransactionID: "txn-\(id)-1",
                    succeeded: true,
                    amountFen: 15_000
                )
            ),
            as: Self.bank,
            channel: "bank",
            causedBy: previousRequest
        )
        return CandidateScript(candidateId: id, steps: steps)
    }
}
