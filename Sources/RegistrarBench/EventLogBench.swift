import EventLog
import Foundation
import GRDB
import RegistrarApp

/// Sizes of the event-log benchmark. The defaults take about a minute on a 2-core machine in release mode.
public struct EventLogBenchConfiguration: Sendable {
    /// Events in the log that the read, scan and verify scenarios run over (bulk-loaded, not durable).
    public var scanEvents = 200_000
    /// Durable appends timed in each serial run (raw 1-per-transaction, and ours one appender).
    public var serialAppends = 2_000
    /// Concurrent appenders in the group-commit run, each appending to its own stream.
    public var concurrentAppenders = 64
    /// Appends each concurrent appender makes (timed).
    public var appendsPerAppender = 200
    /// Events per transaction in the raw batched run.
    public var rawEventsPerTransaction = 20
    /// One-stream reads timed, on streams of 20 events.
    public var streamReads = 2_000
    /// Events per `readAll` batch.
    public var readAllBatch = 1_000
    /// Rounds of the durable scenarios, each on fresh files; the median of the rounds is reported.
    public var rounds = 5
    /// Within a round, raw and ours alternate in chunks of this many serial appends (and of this many appends per
    /// appender in the concurrent run ÷ 10), so that both sides of a ratio see the same disk: fsync latency on a
    /// shared virtual disk drifts by 10× within seconds.
    public var serialChunk = 100
    /// Repetitions of the scan and verify scenarios; the median is reported.
    public var scanRepeats = 3
    /// Keep the bench files instead of deleting them.
    public var keepFiles = false

    /// The defaults.
    public init() {}
}

/// A rate and, when measured, per-operation latency.
public struct Throughput: Sendable, Equatable {
    /// Events per second (median over rounds).
    public var eventsPerSecond: Double
    /// Latency of each operation (transaction, append, or read), pooled over rounds.
    public var latency: Latency?
    /// The rate of each round.
    public var rounds: [Double]
}

/// A performance target from issue 2: `ours ÷ raw` must be at least `minimum`.
public struct RatioCheck: Sendable, Equatable {
    /// What is compared.
    public var name: String
    /// Ours ÷ raw (for latencies: raw time ÷ our time, so higher is always better).
    public var ratio: Double
    /// The target, or nil when the figure is reported only.
    public var minimum: Double?

    /// True when there is no target or the target is met.
    public var isMet: Bool { minimum.map { ratio >= $0 } ?? true }
}

/// Every figure of one run of the event-log benchmark.
public struct EventLogBenchReport: Sendable {
    /// The machine.
    public var machine: MachineFacts
    /// The sizes used.
    public var configuration: EventLogBenchConfiguration
    /// Bytes of the sample event's payload and metadata.
    public var payloadBytes: Int
    /// Bytes of the sample event's metadata.
    public var metadataBytes: Int
    /// Raw SQLite, 1 event per durable transaction.
    public var rawSerial: Throughput
    /// Raw SQLite, `rawEventsPerTransaction` events per durable transaction.
    public var rawBatched: Throughput
    /// `SQLiteEventStore.append`, one appender, 1 event per append.
    public var oursSerial: Throughput
    /// `SQLiteEventStore.append`, `concurrentAppenders` appenders, 1 event per append, group commit.
    public var oursConcurrent: Throughput
    /// Raw point read of one 20-event stream.
    public var rawStreamRead: Latency
    /// `readStream` of one 20-event stream.
    public var oursStreamRead: Latency
    /// Raw scan of every row.
    public var rawScan: Throughput
    /// `readAll` in batches over every event.
    public var oursReadAll: Throughput
    /// Raw scan with SHA-256 chain hash of every row.
    public var rawScanAndHash: Throughput
    /// `verify()` over the whole log.
    public var oursVerify: Throughput
    /// Seconds spent bulk-loading the scan log (raw, not durable).
    public var bulkLoadSeconds: Double
    /// Seconds the whole benchmark took.
    public var totalSeconds: Double
    /// The ratios, with issue 2's targets.
    public var checks: [RatioCheck]
    /// The printed table.
    public var table: String

    /// True when every target was met.
    public var allTargetsMet: Bool { checks.allSatisfy(\.isMet) }
}

extension RegistrarBench {
    /// Runs the event-log benchmark (issue 2) in `directory`, printing progress with `log` and the table with `print`.
    ///
    /// Every scenario runs on a fresh SQLite file in WAL mode with `synchronous=FULL`: a raw-SQLite baseline (a loop
    /// over the C API with prepared statements, the same events table, the same hash chain) and `SQLiteEventStore`,
    /// so that every figure is a ratio measured in the same run.
    public static func runEventLog(
        directory: URL,
        events: Int = 200_000,
        rounds: Int = 5,
        log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
    ) async throws -> EventLogBenchReport {
        var configuration = EventLogBenchConfiguration()
        configuration.scanEvents = events
        configuration.rounds = rounds
        return try await runEventLog(directory: directory, configuration: configuration, log: log)
    }

    /// Runs the event-log benchmark with explicit sizes.
    public static func runEventLog(
        directory: URL,
        configuration: EventLogBenchConfiguration,
        log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
    ) async throws -> EventLogBenchReport {
        let report = try await EventLogBench(directory: directory, configuration: configuration, log: log).run()
        print(report.table)
        return report
    }
}

/// One run of the event-log benchmark.
struct EventLogBench {
    let directory: URL
    let configuration: EventLogBenchConfiguration
    let log: @Sendable (String) -> Void
    let recordedAt = "2026-01-10T08:00:00.000Z"

    static let warmUpEvents = 100
    static let appenderStreams = 64

    func run() async throws -> EventLogBenchReport {
        let started = ContinuousClock.now
        var machine = MachineFacts.current()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let metadataSample = try CanonicalJSON.encode(metadata(requestId: requestId(run: "r1-serial", 0)))
        let sample = try SampleEvents(streamPrefix: "candidate-", streams: Self.appenderStreams, metadata: metadataSample)
        log("event log bench: \(machine.cores) cores, SQLite \(machine.sqliteVersion), files in \(directory.path)")
        log("sample event: \(sample.data.count) B data + \(sample.metadata.count) B metadata")

        // Durable appends: raw and ours interleaved in each round, so that load from other work on the machine hits
        // both sides of every ratio alike.
        var rawSerial = [(Double, [Double])]()
        var oursSerial = [(Double, [Double])]()
        var rawBatched = [(Double, [Double])]()
        var oursConcurrent = [(Double, [Double])]()
        for round in 1...max(1, configuration.rounds) {
            let serial = try await serialAppends(sample: sample, round: round)
            rawSerial.append(serial.raw)
            oursSerial.append(serial.ours)
            log(String(format: "round %d: raw 1/txn %8.0f ev/s, ours serial %8.0f ev/s", round, serial.raw.0, serial.ours.0))
            let concurrent = try await concurrentAppends(sample: sample, round: round)
            rawBatched.append(concurrent.raw)
            oursConcurrent.append(concurrent.ours)
            log(
                String(
                    format: "round %d: raw %d/txn %8.0f ev/s, ours %d appenders %8.0f ev/s",
                    round,
                    configuration.rawEventsPerTransaction,
                    concurrent.raw.0,
                    configuration.concurrentAppenders,
                    concurrent.ours.0
                )
            )
        }

        // Reads, scans and verify over one bulk-loaded log.
        let bulk = try await bulkLog(sample: sample)
        defer { if !configuration.keepFiles { remove(bulk.path) } }
        let reads = try await streamReads(bulk)
        let scans = try await scansAndVerify(bulk)

        machine.loadAverageAtEnd = MachineFacts.loadAverage()
        func throughput(_ runs: [(Double, [Double])]) -> Throughput {
            Throughput(eventsPerSecond: median(runs.map(\.0)), latency: Latency(seconds: runs.flatMap(\.1)), rounds: runs.map(\.0))
        }
        var report = EventLogBenchReport(
            machine: machine,
            configuration: configuration,
            payloadBytes: sample.data.count,
            metadataBytes: sample.metadata.count,
            rawSerial: throughput(rawSerial),
            rawBatched: throughput(rawBatched),
            oursSerial: throughput(oursSerial),
            oursConcurrent: throughput(oursConcurrent),
            rawStreamRead: reads.raw,
            oursStreamRead: reads.ours,
            rawScan: scans.rawScan,
            oursReadAll: scans.readAll,
            rawScanAndHash: scans.rawHash,
            oursVerify: scans.verify,
            bulkLoadSeconds: bulk.seconds,
            totalSeconds: 0,
            checks: [],
            table: ""
        )
        report.checks = [
            RatioCheck(
                name: "serial appends ÷ raw 1/txn",
                ratio: report.oursSerial.eventsPerSecond / report.rawSerial.eventsPerSecond,
                minimum: 0.80
            ),
            RatioCheck(
                name: "group commit ÷ raw 1/txn",
                ratio: report.oursConcurrent.eventsPerSecond / report.rawSerial.eventsPerSecond,
                minimum: 4
            ),
            RatioCheck(
                name: "group commit ÷ raw \(configuration.rawEventsPerTransaction)/txn",
                ratio: report.oursConcurrent.eventsPerSecond / report.rawBatched.eventsPerSecond,
                minimum: nil
            ),
            RatioCheck(name: "readStream p50 (raw time ÷ ours)", ratio: report.rawStreamRead.p50 / report.oursStreamRead.p50, minimum: nil),
            RatioCheck(name: "readAll ÷ raw scan", ratio: report.oursReadAll.eventsPerSecond / report.rawScan.eventsPerSecond, minimum: nil),
            RatioCheck(
                name: "verify ÷ raw scan+SHA-256",
                ratio: report.oursVerify.eventsPerSecond / report.rawScanAndHash.eventsPerSecond,
                minimum: 0.5
            ),
        ]
        report.totalSeconds = Stopwatch.seconds(ContinuousClock.now - started)
        report.table = Self.table(report)
        return report
    }

    // MARK: Durable appends

    /// One appender, 1 event per durable transaction: raw and ours on fresh files, a warm-up each, then timed chunks
    /// taken in turn. Returns each side's rate and per-append latencies.
    private func serialAppends(sample: SampleEvents, round: Int) async throws -> (raw: (Double, [Double]), ours: (Double, [Double])) {
        let rawPath = file("raw-1-per-txn-r\(round)")
        let oursPath = file("ours-serial-r\(round)")
        defer {
            if !configuration.keepFiles {
                remove(rawPath)
                remove(oursPath)
            }
        }
        let raw = try RawBaseline.create(path: rawPath)
        let store = try await openStore(path: oursPath, checkSchema: round == 1)
        let layout = StreamLayout(streams: Self.appenderStreams)
        let run = "r\(round)-serial"
        _ = try RawBaseline.append(raw, events: sample, layout: layout, range: 0..<Self.warmUpEvents, perTransaction: 1)
        for request in requests(sample: sample, run: run, range: 0..<Self.warmUpEvents) { _ = try await store.append(request) }
        var rawSeconds = 0.0
        var oursSeconds = 0.0
        var rawLatencies = [Double]()
        var oursLatencies = [Double]()
        var next = Self.warmUpEvents
        let end = Self.warmUpEvents + configuration.serialAppends
        while next < end {
            let chunk = next..<min(next + max(1, configuration.serialChunk), end)
            let (latencies, seconds) = try Stopwatch.time {
                try RawBaseline.append(raw, events: sample, layout: layout, range: chunk, perTransaction: 1)
            }
            rawSeconds += seconds
            rawLatencies += latencies
            let timed = requests(sample: sample, run: run, range: chunk)
            let (_, oursChunkSeconds) = try await Stopwatch.time {
                for request in timed {
                    let start = ContinuousClock.now
                    _ = try await store.append(request)
                    oursLatencies.append(Stopwatch.seconds(ContinuousClock.now - start))
                }
            }
            oursSeconds += oursChunkSeconds
            next = chunk.upperBound
        }
        try await expectHead(store, Int64(end))
        let count = Double(configuration.serialAppends)
        return ((count / rawSeconds, rawLatencies), (count / oursSeconds, oursLatencies))
    }

    /// Raw `rawEventsPerTransaction` events per transaction, and `concurrentAppenders` tasks on our store each
    /// appending 1 event per append to its own stream, in alternating chunks on fresh files.
    private func concurrentAppends(sample: SampleEvents, round: Int) async throws -> (raw: (Double, [Double]), ours: (Double, [Double])) {
        let rawPath = file("raw-\(configuration.rawEventsPerTransaction)-per-txn-r\(round)")
        let oursPath = file("ours-concurrent-r\(round)")
        defer {
            if !configuration.keepFiles {
                remove(rawPath)
                remove(oursPath)
            }
        }
        let raw = try RawBaseline.create(path: rawPath)
        let store = try await openStore(path: oursPath, checkSchema: false)
        let appenders = configuration.concurrentAppenders
        let layout = StreamLayout(streams: appenders)
        let run = "r\(round)-concurrent"
        // Event k * appenders + a goes to appender a's stream (the same round-robin layout as the raw run).
        func plan(_ perAppender: Range<Int>) -> [[AppendRequest]] {
            (0..<appenders).map { appender in
                perAppender.map { k in request(sample: sample, run: run, index: k * appenders + appender, layout: layout) }
            }
        }
        let warmUp = 2
        let batch = configuration.rawEventsPerTransaction
        _ = try RawBaseline.append(raw, events: sample, layout: layout, range: 0..<(warmUp * appenders), perTransaction: batch)
        _ = try await appendConcurrently(store, plan(0..<warmUp))
        var rawSeconds = 0.0
        var oursSeconds = 0.0
        var rawLatencies = [Double]()
        var oursLatencies = [Double]()
        let chunk = max(1, configuration.serialChunk / 10)
        var next = warmUp
        let end = warmUp + configuration.appendsPerAppender
        while next < end {
            let perAppender = next..<min(next + chunk, end)
            let events = (perAppender.lowerBound * appenders)..<(perAppender.upperBound * appenders)
            let (latencies, seconds) = try Stopwatch.time {
                try RawBaseline.append(raw, events: sample, layout: layout, range: events, perTransaction: batch)
            }
            rawSeconds += seconds
            rawLatencies += latencies
            let timed = plan(perAppender)
            let (oursChunk, oursChunkSeconds) = try await Stopwatch.time { try await appendConcurrently(store, timed) }
            oursSeconds += oursChunkSeconds
            oursLatencies += oursChunk
            next = perAppender.upperBound
        }
        try await expectHead(store, Int64(end * appenders))
        let count = Double(configuration.appendsPerAppender * appenders)
        return ((count / rawSeconds, rawLatencies), (count / oursSeconds, oursLatencies))
    }

    private func appendConcurrently(_ store: SQLiteEventStore, _ plan: [[AppendRequest]]) async throws -> [Double] {
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for requests in plan {
                group.addTask {
                    var latencies = [Double]()
                    latencies.reserveCapacity(requests.count)
                    for request in requests {
                        let start = ContinuousClock.now
                        _ = try await store.append(request)
                        latencies.append(Stopwatch.seconds(ContinuousClock.now - start))
                    }
                    return latencies
                }
            }
            var all = [Double]()
            for try await latencies in group { all += latencies }
            return all
        }
    }

    // MARK: Reads, scans, verify

    private struct BulkLog {
        let path: String
        let store: SQLiteEventStore
        let raw: RawConnection
        let streams: [String]
        let seconds: Double
    }

    /// Creates the schema through the store, then fills it through the raw path with `synchronous=OFF` in big
    /// transactions: not durable, and not what is measured, just quick. 20 events per stream, interleaved.
    private func bulkLog(sample: SampleEvents) async throws -> BulkLog {
        let path = file("scan")
        let streamCount = max(1, configuration.scanEvents / 20)
        let streams = (0..<streamCount).map { SampleEvents.streamId(prefix: "candidate-", $0) }
        let bulkSample = try SampleEvents(streamPrefix: "candidate-", streams: streamCount, metadata: Data(sample.metadata))
        _ = try await openStore(path: path, checkSchema: false)
        let raw = try RawConnection(path: path)
        let (_, seconds) = try Stopwatch.time {
            try raw.execute("PRAGMA synchronous = OFF")
            _ = try RawBaseline.append(
                raw,
                events: bulkSample,
                layout: StreamLayout(streams: streamCount),
                range: 0..<configuration.scanEvents,
                perTransaction: 10_000
            )
            try raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try raw.execute("PRAGMA synchronous = FULL")
        }
        log(String(format: "bulk load: %d events in %.1f s (raw path, synchronous=OFF, 10,000 per transaction)", configuration.scanEvents, seconds))
        let store = try await openStore(path: path, checkSchema: false)
        try await expectHead(store, Int64(configuration.scanEvents))
        return BulkLog(path: path, store: store, raw: raw, streams: streams, seconds: seconds)
    }

    /// Point reads of one 20-event stream: raw, then `readStream`, on the same random streams.
    private func streamReads(_ bulk: BulkLog) async throws -> (raw: Latency, ours: Latency) {
        var generator = SplitMix64(seed: 2026)
        let picks = (0..<configuration.streamReads).map { _ in bulk.streams[Int(generator.next() % UInt64(bulk.streams.count))] }
        let warmUp = Array(picks.prefix(200))
        _ = try RawBaseline.readStreams(bulk.raw, ids: warmUp.map { Array($0.utf8) })
        let raw = try RawBaseline.readStreams(bulk.raw, ids: picks.map { Array($0.utf8) })
        for id in warmUp { _ = try await bulk.store.readStream(id) }
        var ours = [Double]()
        ours.reserveCapacity(picks.count)
        for id in picks {
            let start = ContinuousClock.now
            let events = try await bulk.store.readStream(id)
            ours.append(Stopwatch.seconds(ContinuousClock.now - start))
            guard events.count == 20 else { throw BenchError("readStream(\(id)) returned \(events.count) events, expected 20") }
        }
        let result = (raw: Latency(seconds: raw), ours: Latency(seconds: ours))
        log("stream reads: raw p50 \(Figures.latency(result.raw)), readStream \(Figures.latency(result.ours))")
        return result
    }

    private func scansAndVerify(_ bulk: BulkLog) async throws -> (rawScan: Throughput, readAll: Throughput, rawHash: Throughput, verify: Throughput) {
        let expected = configuration.scanEvents
        // Warm the OS page cache so that every timed scan reads from memory alike.
        _ = try RawBaseline.scan(bulk.raw, hash: false)
        var rawScan = [Double]()
        var readAll = [Double]()
        var rawHash = [Double]()
        var verify = [Double]()
        for repeat_ in 1...max(1, configuration.scanRepeats) {
            let (scanned, scanSeconds) = try Stopwatch.time { try RawBaseline.scan(bulk.raw, hash: false) }
            rawScan.append(Double(scanned) / scanSeconds)
            let (read, readSeconds) = try await Stopwatch.time { try await readEverything(bulk.store) }
            readAll.append(Double(read) / readSeconds)
            let (hashed, hashSeconds) = try Stopwatch.time { try RawBaseline.scan(bulk.raw, hash: true) }
            rawHash.append(Double(hashed) / hashSeconds)
            let (verified, verifySeconds) = try await Stopwatch.time { try await bulk.store.verify() }
            verify.append(Double(verified.eventsChecked) / verifySeconds)
            guard scanned == expected, read == expected, hashed == expected, verified.eventsChecked == expected else {
                throw BenchError("scans saw \(scanned), \(read), \(hashed), \(verified.eventsChecked) events; expected \(expected)")
            }
            // The raw chain and the store's verifier must agree: otherwise the two scans do not do the same work.
            guard verified.isIntact else { throw BenchError("verify found problems in the bulk log: \(verified.problems.prefix(3))") }
            log(
                String(
                    format: "scan %d: raw %.0f ev/s, readAll %.0f ev/s, raw+SHA-256 %.0f ev/s, verify %.0f ev/s",
                    repeat_,
                    rawScan.last!,
                    readAll.last!,
                    rawHash.last!,
                    verify.last!
                )
            )
        }
        func throughput(_ rates: [Double]) -> Throughput { Throughput(eventsPerSecond: median(rates), latency: nil, rounds: rates) }
        return (throughput(rawScan), throughput(readAll), throughput(rawHash), throughput(verify))
    }

    private func readEverything(_ store: SQLiteEventStore) async throws -> Int {
        var position: Int64 = 0
        var count = 0
        while true {
            let batch = try await store.readAll(after: position, limit: configuration.readAllBatch)
            guard let last = batch.last else { return count }
            count += batch.count
            position = last.position
        }
    }

    // MARK: Helpers

    private func openStore(path: String, checkSchema: Bool) async throws -> SQLiteEventStore {
        let store = try SQLiteEventStore(path: path)
        let synchronous = try await store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        let journal = try await store.pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        guard synchronous == 2, journal == "wal" else {
            throw BenchError("store opened with synchronous=\(synchronous ?? -1), journal_mode=\(journal ?? "?"); expected FULL (2) and wal")
        }
        if checkSchema {
            let stored = try await store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL ORDER BY name")
            }
            let raw = try RawConnection(path: ":memory:")
            try raw.execute(RawBaseline.eventsDDL)
            let query = try raw.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL ORDER BY name")
            var copied = [String]()
            while try query.step() { copied.append(String(decoding: query.bytes(0), as: UTF8.self)) }
            func normalized(_ sql: [String]) -> [String] { sql.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") } }
            guard normalized(stored) == normalized(copied) else {
                throw BenchError("the raw baseline's copy of the events DDL differs from EventLogSchema's; update RawBaseline.eventsDDL")
            }
        }
        return store
    }

    private func expectHead(_ store: SQLiteEventStore, _ expected: Int64) async throws {
        let head = try await store.headPosition()
        guard head == expected else { throw BenchError("log head is \(head) after the run, expected \(expected)") }
    }

    private func metadata(requestId: String) -> EventMetadata {
        EventMetadata(
            actorId: "cand-20260110-000123",
            role: "candidate",
            channel: "web",
            requestId: requestId,
            correlationId: "corr-\(requestId.suffix(8))",
            recordedAt: recordedAt
        )
    }

    private func requestId(run: String, _ index: Int) -> String {
        "req-\(run)-" + SampleEvents.streamId(prefix: "", index)
    }

    private func request(sample: SampleEvents, run: String, index: Int, layout: StreamLayout) -> AppendRequest {
        let (stream, version) = layout.place(index)
        return AppendRequest(
            streamId: String(decoding: sample.streamIds[stream], as: UTF8.self),
            expectedVersion: .exact(version - 1),
            events: [ProposedEvent(type: String(decoding: sample.type, as: UTF8.self), schemaVersion: 1, data: Data(sample.data))],
            metadata: metadata(requestId: requestId(run: run, index))
        )
    }

    /// Requests built before the clock starts: building them is the caller's work, not the store's.
    private func requests(sample: SampleEvents, run: String, range: Range<Int>) -> [AppendRequest] {
        range.map { request(sample: sample, run: run, index: $0, layout: StreamLayout(streams: Self.appenderStreams)) }
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

    static func table(_ report: EventLogBenchReport) -> String {
        let configuration = report.configuration
        let batch = configuration.rawEventsPerTransaction
        func verdict(_ check: RatioCheck) -> String {
            guard let minimum = check.minimum else { return "(reported)" }
            let target = minimum >= 1 ? String(format: "≥ %.0f×", minimum) : String(format: "≥ %.2f", minimum)
            return "\(target)  \(check.isMet ? "met" : "MISSED")"
        }
        let checks = report.checks
        var table = TextTable(header: ["scenario", "raw SQLite", "Registrar", "ratio", "target"])
        table.rows = [
            [
                "1. durable appends, 1 event each, 1 appender", "\(Figures.rate(report.rawSerial.eventsPerSecond)) (1/txn)",
                Figures.rate(report.oursSerial.eventsPerSecond), Figures.ratio(checks[0].ratio), verdict(checks[0]),
            ],
            ["   commit latency p50 / p99", Figures.latency(report.rawSerial.latency!), Figures.latency(report.oursSerial.latency!), "", ""],
            [
                "2. durable appends, \(configuration.concurrentAppenders) concurrent appenders",
                "\(Figures.rate(report.rawSerial.eventsPerSecond)) (1/txn)", Figures.rate(report.oursConcurrent.eventsPerSecond),
                Figures.ratio(checks[1].ratio), verdict(checks[1]),
            ],
            [
                "   vs raw \(batch) events per transaction", "\(Figures.rate(report.rawBatched.eventsPerSecond)) (\(batch)/txn)",
                Figures.rate(report.oursConcurrent.eventsPerSecond), Figures.ratio(checks[2].ratio), verdict(checks[2]),
            ],
            [
                "   latency p50 / p99 (raw: per txn)", Figures.latency(report.rawBatched.latency!),
                Figures.latency(report.oursConcurrent.latency!), "", "",
            ],
            [
                "3. read one 20-event stream, p50 / p99", Figures.latency(report.rawStreamRead), Figures.latency(report.oursStreamRead),
                Figures.ratio(checks[3].ratio), verdict(checks[3]),
            ],
            [
                "4. scan all (readAll, batches of \(configuration.readAllBatch))", Figures.rate(report.rawScan.eventsPerSecond),
                Figures.rate(report.oursReadAll.eventsPerSecond), Figures.ratio(checks[4].ratio), verdict(checks[4]),
            ],
            [
                "5. verify the chain (raw: scan + SHA-256)", Figures.rate(report.rawScanAndHash.eventsPerSecond),
                Figures.rate(report.oursVerify.eventsPerSecond), Figures.ratio(checks[5].ratio), verdict(checks[5]),
            ],
        ]
        let machine = report.machine
        let load = [machine.loadAverageAtStart, machine.loadAverageAtEnd].map { $0.map { String(format: "%.2f", $0) } ?? "?" }
        let batchedGain = report.rawBatched.eventsPerSecond / report.rawSerial.eventsPerSecond
        let lines = [
            "Event log benchmark (issue 2): WAL, synchronous=FULL; every ratio is Registrar ÷ raw SQLite in this run",
            "machine: \(machine.cores) cores (\(machine.cpuModel)), SQLite \(machine.sqliteVersion), load average \(load[0]) → \(load[1])",
            "event: \(report.payloadBytes) B JSON data (Chinese text) + \(report.metadataBytes) B metadata, SHA-256 chain; "
                + "durable runs: \(configuration.rounds) rounds, median, \(Figures.count(Double(configuration.serialAppends))) serial + "
                + "\(Figures.count(Double(configuration.concurrentAppenders * configuration.appendsPerAppender))) concurrent appends per round",
            "reads: \(Figures.count(Double(configuration.scanEvents))) events in \(Figures.count(Double(configuration.scanEvents / 20))) streams "
                + "of 20 (bulk-loaded through the raw path in \(String(format: "%.1f", report.bulkLoadSeconds)) s), "
                + "\(Figures.count(Double(configuration.streamReads))) stream reads, scans median of \(configuration.scanRepeats)",
            "",
            table.render(),
            "",
            String(format: "raw %d/txn ÷ raw 1/txn: %.1f×; whole benchmark %.0f s", batch, batchedGain, report.totalSeconds),
        ]
        return lines.joined(separator: "\n")
    }
}
