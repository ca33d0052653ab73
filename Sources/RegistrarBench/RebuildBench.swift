import EventLog
import Foundation
import GRDB
import Projections
import RegistrarApp
import RegistrationDomain

/// Sizes of the rebuild benchmark (issue 4).
public struct RebuildBenchConfiguration: Sendable {
    /// Candidates of the demo season played through the real command path (the log every figure is measured on).
    public var candidates = 2_000
    /// The demo's seed.
    public var seed: UInt64 = 2026
    /// Rebuilds (and raw scans, interleaved) timed; the median is reported.
    public var repeats = 3
    /// `registrar replay`-style replays of random candidates timed (after 100 untimed ones and a scan of the log).
    public var replays = 2_000
    /// When set, also a scale run: the demo log replicated to this many candidates (see ``RebuildBench``), rebuilt
    /// and replayed the same way, compared with the demo-sized run.
    public var scaleCandidates: Int?
    /// Keep the bench files instead of deleting them.
    public var keepFiles = false

    /// The defaults.
    public init() {}
}

/// The figures of one log.
public struct RebuildFigures: Sendable {
    /// Candidates in the log.
    public var candidates: Int
    /// Events in the log.
    public var events: Int
    /// Raw SQLite scan of every column of every row (events/s, median).
    public var rawScan: Double
    /// `ProjectionEngine.rebuild()` of every read model from position 0 (events/s, median).
    public var rebuild: Double
    /// Each repeat's rebuild rate.
    public var rebuildRepeats: [Double]
    /// `CandidateHistory.replay(id, at: .latest)` of random candidates (what `registrar replay` runs).
    public var replay: Latency
    /// Seconds it took to produce the log (not measured against anything).
    public var generationSeconds: Double
}

/// Every figure of one run of the rebuild benchmark.
public struct RebuildBenchReport: Sendable {
    /// The machine.
    public var machine: MachineFacts
    /// The sizes used.
    public var configuration: RebuildBenchConfiguration
    /// The peer's figures from this run, when it ran.
    public var peer: PeerFigures?
    /// The demo-season log.
    public var season: RebuildFigures
    /// Event data bytes in the demo log: min, mean, max.
    public var dataBytes: (min: Int, mean: Double, max: Int)
    /// Metadata bytes in the demo log: mean.
    public var metadataMean: Double
    /// The scale run, when configured.
    public var scale: RebuildFigures?
    /// The ratios, with issue 4's targets.
    public var checks: [RatioCheck]
    /// Seconds the whole benchmark took.
    public var totalSeconds: Double
    /// The printed table.
    public var table: String
}

extension RegistrarBench {
    /// Runs the rebuild benchmark (issue 4) in `directory`, printing progress with `log` and the table with `print`.
    public static func runRebuild(
        directory: URL,
        configuration: RebuildBenchConfiguration = RebuildBenchConfiguration(),
        peer: PeerRun,
        log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
    ) async throws -> RebuildBenchReport {
        let report = try await RebuildBench(directory: directory, configuration: configuration, peer: peer, log: log).run()
        print(report.table)
        return report
    }
}

/// One run of the rebuild benchmark.
///
/// The log is a demo season (``DemoSeason``) played through the real command path into a fresh file opened with
/// `synchronous=NORMAL` (producing the log is not measured; a 2,000-candidate season takes about a minute that way).
/// The scale run's log is that season replicated: for copy k, every seeded id (`<prefix>-<32 hex digits>`) of the
/// candidate streams gets its first byte XOR k, in stream ids, payloads and metadata alike, and copies are interleaved
/// event by event so that each copy keeps the season's order; the season and staff streams appear once. Rows go in
/// through the raw C API with a correct hash chain, so `verify` passes on it too.
struct RebuildBench {
    let directory: URL
    let configuration: RebuildBenchConfiguration
    let peer: PeerRun
    let log: @Sendable (String) -> Void

    func run() async throws -> RebuildBenchReport {
        let started = ContinuousClock.now
        var machine = MachineFacts.current()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let seasonPath = file("season")
        defer { if !configuration.keepFiles { remove(seasonPath) } }
        let (played, playSeconds) = try await Stopwatch.time { try await playSeason(path: seasonPath) }
        log(String(format: "demo season: %d candidates, %d events in %.0f s", played.candidates, played.events, playSeconds))
        let sizes = try RawConnection(path: seasonPath).sizes()
        var season = try await measure(path: seasonPath, candidates: played.candidates, events: played.events)
        season.generationSeconds = playSeconds

        var scale: RebuildFigures?
        if let scaleCandidates = configuration.scaleCandidates {
            let scalePath = file("scale")
            defer { if !configuration.keepFiles { remove(scalePath) } }
            let factor = max(1, scaleCandidates / max(1, played.candidates))
            let (events, seconds) = try await Stopwatch.time { try await replicate(from: seasonPath, to: scalePath, copies: factor) }
            log(String(format: "scale log: %d copies, %d events in %.0f s", factor, events, seconds))
            var figures = try await measure(path: scalePath, candidates: played.candidates * factor, events: events)
            figures.generationSeconds = seconds
            scale = figures
        }
        let peerFigures = try await peer.figures()
        machine.loadAverageAtEnd = MachineFacts.loadAverage()

        var checks = [RatioCheck(name: "rebuild ÷ raw scan", ratio: season.rebuild / season.rawScan, minimum: nil)]
        if let peerFigures {
            checks.append(RatioCheck(name: "rebuild ÷ peer read+decode", ratio: season.rebuild / peerFigures.readDecodeEps, minimum: 2.5))
        }
        if let scale {
            checks.append(RatioCheck(name: "scale rebuild rate ÷ season's", ratio: scale.rebuild / season.rebuild, minimum: 0.5))
            checks.append(RatioCheck(name: "season replay p99 ÷ scale's", ratio: season.replay.p99 / scale.replay.p99, minimum: 0.5))
        }
        var report = RebuildBenchReport(
            machine: machine,
            configuration: configuration,
            peer: peerFigures,
            season: season,
            dataBytes: sizes.data,
            metadataMean: sizes.metadataMean,
            scale: scale,
            checks: checks,
            totalSeconds: Stopwatch.seconds(ContinuousClock.now - started),
            table: ""
        )
        report.table = Self.table(report)
        return report
    }

    // MARK: Producing the logs

    private func playSeason(path: String) async throws -> (candidates: Int, events: Int) {
        var options = SQLiteEventStore.Options()
        options.durability = .normal
        let store = try SQLiteEventStore(path: path, options: options)
        let clock = ManualClock(DemoSeason.start)
        let service = try RegistrarService(
            store: store,
            clock: clock,
            ids: SeededIDGenerator(seed: configuration.seed),
            configuration: RegistrarService.Configuration(seasonId: "2026", passwordHasher: PasswordHasher(rounds: 1_000))
        )
        let demo = try DemoSeason(service: service, clock: clock, seed: configuration.seed, candidates: configuration.candidates)
        let candidates = configuration.candidates
        let log = self.log
        let report = try await demo.play { done, total in
            if done % Int64(max(1, candidates)) == 0 {
                log("demo season: stage \(done / Int64(max(1, candidates))) of \(total / Int64(max(1, candidates)))")
            }
        }
        return (report.candidates, report.events)
    }

    /// Writes `copies` interleaved copies of the source log's candidate streams (and one of every other stream).
    private func replicate(from source: String, to target: String, copies: Int) async throws -> Int {
        _ = try SQLiteEventStore(path: target)  // the schema, as the store creates it
        let input = try RawConnection(path: source)
        let output = try RawConnection(path: target)
        try output.execute("PRAGMA synchronous = OFF")
        let read = try input.prepare("SELECT stream_id, stream_version, event_type, schema_version, data, metadata FROM events ORDER BY position")
        let insert = try output.prepare("INSERT INTO events (\(RawBaseline.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        var position: Int64 = 0
        var previous = [UInt8](repeating: 0, count: 32)
        try output.execute("BEGIN")
        while try read.step() {
            let stream = Array(read.bytes(0))
            let version = read.int64(1)
            let type = Array(read.bytes(2))
            let schemaVersion = read.int64(3)
            let data = Array(read.bytes(4))
            let metadata = Array(read.bytes(5))
            let isCandidate = stream.starts(with: Array("candidate-".utf8))
            for copy in 0..<(isCandidate ? copies : 1) {
                position += 1
                let ids = (Self.rekeyed(stream, copy), Self.rekeyed(data, copy), Self.rekeyed(metadata, copy))
                let hash = ids.0.withUnsafeBytes { streamBytes in
                    type.withUnsafeBytes { typeBytes in
                        ids.1.withUnsafeBytes { dataBytes in
                            ids.2.withUnsafeBytes { metadataBytes in
                                previous.withUnsafeBytes { previousBytes in
                                    Array(
                                        SampleEvents.chainHash(
                                            previous: previousBytes,
                                            position: position,
                                            stream: streamBytes,
                                            version: version,
                                            type: typeBytes,
                                            schemaVersion: schemaVersion,
                                            data: dataBytes,
                                            metadata: metadataBytes
                                        )
                                    )
                                }
                            }
                        }
                    }
                }
                insert.bind(1, position)
                insert.bindText(2, ids.0)
                insert.bind(3, version)
                insert.bindText(4, type)
                insert.bind(5, schemaVersion)
                insert.bindText(6, ids.1)
                insert.bindText(7, ids.2)
                insert.bindBlob(8, previous)
                insert.bindBlob(9, hash)
                try insert.run()
                previous = hash
                if position % 100_000 == 0 {
                    try output.execute("COMMIT; BEGIN")
                    if position % 1_000_000 == 0 { log("scale log: \(position) events") }
                }
            }
        }
        try output.execute("COMMIT")
        try output.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Int(position)
    }

    /// Copy `copy` of a text: every seeded id except staff ids (`-` then 32 lower-case hex digits) with its first
    /// byte XOR `copy`. Copy 0 is the text itself.
    static func rekeyed(_ text: [UInt8], _ copy: Int) -> [UInt8] {
        guard copy > 0 else { return text }
        func hex(_ byte: UInt8) -> Int? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
            default: nil
            }
        }
        let digits = Array("0123456789abcdef".utf8)
        let staff = Array("staff-".utf8)
        var out = text
        var index = 0
        while index + 33 <= out.count {
            guard out[index] == UInt8(ascii: "-") else {
                index += 1
                continue
            }
            var run = 0
            while index + 1 + run < out.count, hex(out[index + 1 + run]) != nil { run += 1 }
            let isStaff = index + 1 >= staff.count && Array(out[(index + 1 - staff.count)...index]) == staff
            if run == 32, !isStaff, let high = hex(out[index + 1]), let low = hex(out[index + 2]) {
                let byte = (high << 4 | low) ^ (copy & 0xFF)
                out[index + 1] = digits[byte >> 4]
                out[index + 2] = digits[byte & 0xF]
            }
            index += 1 + max(run, 0)
        }
        return out
    }

    // MARK: Measuring a log

    private func measure(path: String, candidates: Int, events: Int) async throws -> RebuildFigures {
        let store = try SQLiteEventStore(path: path)
        let raw = try RawConnection(path: path)
        let engine = ProjectionEngine(store: store)
        _ = try RawBaseline.scan(raw, hash: false)  // the page cache, warm for both sides
        var scans = [Double]()
        var rebuilds = [Double]()
        for repeat_ in 1...max(1, configuration.repeats) {
            let (scanned, scanSeconds) = try Stopwatch.time { try RawBaseline.scan(raw, hash: false) }
            scans.append(Double(scanned) / scanSeconds)
            let report = try await engine.rebuild()
            guard report.events == Int64(events), scanned == events else {
                throw BenchError("rebuild folded \(report.events) events, the scan saw \(scanned); the log holds \(events)")
            }
            rebuilds.append(report.rate)
            log(
                String(
                    format: "%d events, repeat %d: raw scan %.0f ev/s, rebuild %.0f ev/s (%.1f s)",
                    events,
                    repeat_,
                    scans.last!,
                    report.rate,
                    report.seconds
                )
            )
        }
        // Replays of random candidates, as `registrar replay --candidate ID` runs them: first right after the rebuilds,
        // whose writes (gigabytes at scale) pushed much of the log out of the OS page cache, then after a scan of the
        // log has brought it back, as on a server that keeps serving it. The second is the figure compared.
        let history = CandidateHistory(store: store)
        let ids = try await store.streamIds(prefix: "candidate-")
        var generator = SplitMix64(seed: configuration.seed &+ 1)
        let picks = (0..<configuration.replays).map { _ in ids[Int(generator.next() % UInt64(ids.count))] }
        func timeReplays(_ picks: [String]) async throws -> Latency {
            var latencies = [Double]()
            for id in picks {
                let start = ContinuousClock.now
                let replayed = try await history.replay(id, at: .latest)
                latencies.append(Stopwatch.seconds(ContinuousClock.now - start))
                guard replayed.version > 0 else { throw BenchError("replay of \(id) found no events") }
            }
            return Latency(seconds: latencies)
        }
        for id in picks.prefix(100) { _ = try await history.replay(id, at: .latest) }
        let afterRebuilds = try await timeReplays(Array(picks.dropFirst(100)))
        log("\(events) events: replay right after the rebuilds p50 / p99 \(Figures.latency(afterRebuilds))")
        _ = try RawBaseline.scan(raw, hash: false)
        for id in picks.prefix(100) { _ = try await history.replay(id, at: .latest) }
        let replay = try await timeReplays(picks)
        log("\(events) events: replay p50 / p99 \(Figures.latency(replay))")
        return RebuildFigures(
            candidates: candidates,
            events: events,
            rawScan: median(scans),
            rebuild: median(rebuilds),
            rebuildRepeats: rebuilds,
            replay: replay,
            generationSeconds: 0
        )
    }

    private func file(_ name: String) -> String {
        let path = directory.appendingPathComponent("\(name).sqlite").path
        remove(path)
        return path
    }

    private func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    // MARK: Table

    static func table(_ report: RebuildBenchReport) -> String {
        func verdict(_ check: RatioCheck) -> String {
            guard let minimum = check.minimum else { return "(reported)" }
            return String(format: "≥ %.2g  %@", minimum, check.isMet ? "met" : "MISSED")
        }
        func check(_ name: String) -> RatioCheck? { report.checks.first { $0.name == name } }
        let season = report.season
        var table = TextTable(header: ["scenario", "baseline", "Registrar", "ratio", "target"])
        let scanCheck = check("rebuild ÷ raw scan")!
        table.rows = [
            [
                "1. rebuild all read models (\(Figures.count(Double(season.events))) events)",
                "\(Figures.rate(season.rawScan)) (raw scan)", Figures.rate(season.rebuild), Figures.ratio(scanCheck.ratio),
                verdict(scanCheck),
            ]
        ]
        if let peer = report.peer, let peerCheck = check("rebuild ÷ peer read+decode") {
            table.rows.append([
                "   vs the peer reading + decoding its log", "\(Figures.rate(peer.readDecodeEps)) (peer)", Figures.rate(season.rebuild),
                Figures.ratio(peerCheck.ratio), verdict(peerCheck),
            ])
        } else {
            table.rows.append(["   vs the peer reading + decoding its log", "—", Figures.rate(season.rebuild), "—", "(no peer)"])
        }
        table.rows.append(["2. replay one candidate, p50 / p99", "", Figures.latency(season.replay), "", ""])
        if let scale = report.scale, let rate = check("scale rebuild rate ÷ season's"), let p99 = check("season replay p99 ÷ scale's") {
            table.rows += [
                [
                    "3. scale: rebuild (\(Figures.count(Double(scale.events))) events)", "\(Figures.rate(season.rebuild)) (season)",
                    Figures.rate(scale.rebuild), Figures.ratio(rate.ratio), verdict(rate),
                ],
                ["   raw scan", "\(Figures.rate(season.rawScan)) (season)", Figures.rate(scale.rawScan), "", ""],
                [
                    "   replay p50 / p99", "\(Figures.latency(season.replay)) (season)", Figures.latency(scale.replay),
                    Figures.ratio(p99.ratio), verdict(p99),
                ],
            ]
        }
        let machine = report.machine
        let load = [machine.loadAverageAtStart, machine.loadAverageAtEnd].map { $0.map { String(format: "%.2f", $0) } ?? "?" }
        var lines = [
            "Rebuild (issue 4): ProjectionEngine.rebuild() of every read model into shadow tables and swap; ratios measured in this run",
            "machine: \(machine.cores) cores (\(machine.cpuModel)), SQLite \(machine.sqliteVersion), load average \(load[0]) → \(load[1])",
            "log: demo season of \(Figures.count(Double(season.candidates))) candidates (seed \(report.configuration.seed)), "
                + "\(Figures.count(Double(season.events))) events ("
                + String(format: "%.1f per candidate", Double(season.events) / Double(max(1, season.candidates)))
                + String(
                    format: "), data %d–%d B (mean %.0f), metadata mean %.0f B; played in %.0f s",
                    report.dataBytes.min,
                    report.dataBytes.max,
                    report.dataBytes.mean,
                    report.metadataMean,
                    season.generationSeconds
                ),
            "rebuild and raw scan interleaved, median of \(report.configuration.repeats); replays: "
                + "\(Figures.count(Double(report.configuration.replays))) random candidates (CandidateHistory.replay, as `registrar replay`)",
        ]
        if let peer = report.peer {
            lines.append(
                "peer: eventsourcing \(peer.libraryVersion), \(Figures.count(Double(peer.events))) events: notification log in pages of 1,000 + mapper decode"
            )
        }
        if let scale = report.scale {
            lines.append(
                "scale: the season replicated to \(Figures.count(Double(scale.candidates))) candidates, "
                    + "\(Figures.count(Double(scale.events))) events (written raw in \(String(format: "%.0f", scale.generationSeconds)) s)"
            )
        }
        lines += ["", table.render(), "", String(format: "whole benchmark %.0f s", report.totalSeconds)]
        return lines.joined(separator: "\n")
    }
}

extension RawConnection {
    /// Data bytes (min, mean, max) and mean metadata bytes of every event.
    func sizes() throws -> (data: (min: Int, mean: Double, max: Int), metadataMean: Double) {
        let query = try prepare(
            "SELECT min(length(CAST(data AS BLOB))), avg(length(CAST(data AS BLOB))), max(length(CAST(data AS BLOB))), "
                + "avg(length(CAST(metadata AS BLOB))) FROM events"
        )
        guard try query.step() else { return ((0, 0, 0), 0) }
        return ((Int(query.int64(0)), query.double(1), Int(query.int64(2))), query.double(3))
    }
}
