import EventLog
import Foundation
import GRDB
import Synchronization
import Testing

@Suite("SQLite event log")
struct SQLiteStoreTests {
    let directory: URL
    let path: String

    init() throws {
        directory = try TemporaryDirectory.make()
        path = directory.appendingPathComponent("log.sqlite").path
    }

    private func filled(events count: Int = 30) async throws -> SQLiteEventStore {
        let store = try SQLiteEventStore(path: path)
        for index in 0..<count {
            _ = try await store.append(request("candidate-\(index % 4)", events: [event("E", ["i": "\(index)", "name": "张三"])]))
        }
        return store
    }

    @Test("commit observers hear each commit's streams and head before the appends return, and of another process's appends")
    func commitObservers() async throws {
        let store = try await filled(events: 2)
        let heard = Mutex<[CommittedAppends]>([])
        store.addCommitObserver { commit in heard.withLock { $0.append(commit) } }

        _ = try await store.append(request("candidate-a", requestId: "r-1"))
        // Heard before the append returned.
        #expect(heard.withLock { $0 } == [CommittedAppends(streamIds: ["candidate-a"], headPosition: 3, followsForeignAppends: false)])
        _ = try await store.append(request("candidate-b", events: [event(), event()]))
        #expect(heard.withLock { $0.last } == CommittedAppends(streamIds: ["candidate-b"], headPosition: 5, followsForeignAppends: false))

        // A retried request and a refused one commit nothing new: nothing heard.
        _ = try await store.append(request("candidate-a", requestId: "r-1"))
        await #expect(throws: EventLogError.self) { try await store.append(request("candidate-a", expected: .exact(9))) }
        #expect(heard.withLock { $0.count } == 2)

        // Another process appends; this store's next commit says it follows appends it did not write.
        let other = try SQLiteEventStore(path: path)
        _ = try await other.append(request("candidate-c"))
        _ = try await store.append(request("candidate-a"))
        #expect(heard.withLock { $0.last } == CommittedAppends(streamIds: ["candidate-a"], headPosition: 7, followsForeignAppends: true))

        // Concurrent appends share commits: every stream is heard, the last head is the log's.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 { group.addTask { _ = try await store.append(request("candidate-\(index)")) } }
            try await group.waitForAll()
        }
        let concurrent = heard.withLock { Array($0.dropFirst(3)) }
        #expect(concurrent.reduce(into: Set<String>()) { $0.formUnion($1.streamIds) } == Set((0..<40).map { "candidate-\($0)" }))
        #expect(concurrent.last?.headPosition == 47)
        #expect(concurrent.allSatisfy { !$0.followsForeignAppends })
    }

    @Test("WAL mode, synchronous FULL, and the events table refuses UPDATE and DELETE")
    func appendOnlyTriggers() async throws {
        let store = try await filled(events: 3)
        let (journalMode, synchronous) = try await store.pool.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(journalMode == "wal")
        #expect(synchronous == 2)
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in try db.execute(sql: "UPDATE events SET data = '{}' WHERE position = 1") }
        }
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in try db.execute(sql: "DELETE FROM events WHERE position = 2") }
        }
        let report = try await store.verify()
        #expect(report.isIntact)
        #expect(report.eventsChecked == 3)
    }

    /// Events in the database file alone (a copy without its WAL), or nil when the copy has no events table yet.
    private func eventsInDatabaseFileAlone() throws -> Int? {
        let copy = directory.appendingPathComponent("copy-\(UUID().uuidString).sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let queue = try DatabaseQueue(path: copy)
        return try queue.read { db in
            try db.tableExists("events") ? try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") : nil
        }
    }

    @Test("a thread of the store's own copies the WAL into the database file; the writer checkpoints later than SQLite's 1,000 pages")
    func backgroundCheckpoints() async throws {
        var options = SQLiteEventStore.Options()
        options.checkpointInterval = .milliseconds(20)
        let store = try SQLiteEventStore(path: path, options: options)
        for index in 0..<5 { _ = try await store.append(request("candidate-\(index)")) }
        let autocheckpoint = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(autocheckpoint == SQLiteEventStore.Options().writerCheckpointPages && autocheckpoint! > 1_000)

        // Five small commits are far from any automatic checkpoint: only the thread copies them.
        let deadline = ContinuousClock.now + .seconds(10)
        var inFile = try eventsInDatabaseFileAlone()
        while inFile != 5 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            inFile = try eventsInDatabaseFileAlone()
        }
        #expect(inFile == 5)
        #expect((store.backgroundCheckpointPasses ?? 0) > 0)
        #expect(try await store.readAll(after: 0, limit: 10).count == 5)
    }

    /// The WAL's largest size in pages while 1,600 appends of ~3 KB each (about two pages) are made by 16 writers at
    /// once with the checkpoint thread running every 2 ms (most of the WAL copied while the writer goes on).
    private func largestWAL(writerCheckpointPages: Int) async throws -> Int {
        var options = SQLiteEventStore.Options()
        options.checkpointInterval = .milliseconds(2)
        options.writerCheckpointPages = writerCheckpointPages
        let store = try SQLiteEventStore(path: path, options: options)
        let payload = String(repeating: "测试数据", count: 250)
        let largest = LargestSeen()
        let walPath = path + "-wal"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for index in 0..<100 {
                        _ = try await store.append(request("candidate-\(writer)", events: [event("E", ["i": "\(index)", "text": payload])]))
                        let size = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int) ?? 0
                        largest.note(size)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.headPosition() == 1_600)
        return largest.value / 4096
    }

    @Test("under a steady load the WAL starts over: the writer's checkpoint completes what the thread copied")
    func walStaysBounded() async throws {
        // ~3,200 pages of events (and their index) go through the WAL; with the writer's checkpoint at 200 pages
        // it starts over and stays near that size.
        #expect(try await largestWAL(writerCheckpointPages: 200) < 1_200)
    }

    @Test("with SQLite's automatic checkpoint, small commits stay in the WAL")
    func automaticCheckpoints() async throws {
        var options = SQLiteEventStore.Options()
        options.checkpointInterval = nil
        let store = try SQLiteEventStore(path: path, options: options)
        for index in 0..<5 { _ = try await store.append(request("candidate-\(index)")) }
        let autocheckpoint = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(autocheckpoint == 1000)
        #expect(store.backgroundCheckpointPasses == nil)
        try await Task.sleep(for: .milliseconds(100))
        #expect((try eventsInDatabaseFileAlone() ?? 0) == 0)
    }

    @Test("the payload is readable with SQLite's JSON functions")
    func jsonReadable() async throws {
        let store = try await filled(events: 2)
        let name = try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT json_extract(data, '$.name') FROM events WHERE position = 2")
        }
        #expect(name == "张三")
    }

    @Test("verify names the first position whose contents were changed behind the triggers' back")
    func tamperedRowIsFound() async throws {
        let store = try await filled(events: 20)
        try await store.pool.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: "UPDATE events SET data = json_set(data, '$.name', '李四') WHERE position = 7")
        }
        let report = try await store.verify()
        #expect(!report.isIntact)
        #expect(report.firstBadPosition == 7)
        #expect(report.problems.contains { $0.contains("events_refuse_update is missing") })
    }

    @Test("verify catches a deleted event as a gap")
    func deletedRowIsFound() async throws {
        let store = try await filled(events: 10)
        try await store.pool.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_delete")
            try db.execute(sql: "DELETE FROM events WHERE position = 4")
        }
        let report = try await store.verify()
        #expect(report.firstBadPosition == 4)
    }

    @Test("verify lists every problem, not only the first: an edited event, a deleted one and the stream version it leaves out")
    func verifyListsEveryProblem() async throws {
        // Position p is candidate-((p - 1) % 4) at version (p - 1) / 4 + 1.
        let store = try await filled(events: 20)
        try await store.pool.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: "DROP TRIGGER events_refuse_delete")
            try db.execute(sql: "UPDATE events SET data = json_set(data, '$.name', '李四') WHERE position = 5")
            try db.execute(sql: "DELETE FROM events WHERE position = 12")
        }
        let report = try await store.verify()
        #expect(report.firstBadPosition == 5)
        // Each problem where it is: the events after them verify (their links are to what is stored).
        #expect(
            report.problems.filter { $0.hasPrefix("position") } == [
                "position 5: hash does not match the event's contents (its data, metadata or place was changed after it was written)",
                "position 12: missing (the next stored position is 13)",
                "position 16: stream candidate-3 jumps from version 2 to 4 (an event of the stream is missing)",
            ]
        )
        #expect(report.problems.contains { $0.contains("events_refuse_delete is missing") })
        #expect(report.problemsNotListed == 0 && report.eventsChecked == 19)
    }

    @Test("verify lists the first 100 problems and counts the others")
    func verifyCapsTheList() async throws {
        let store = try await filled(events: 130)
        try await store.pool.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: "UPDATE events SET data = json_set(data, '$.name', '李四')")
        }
        let report = try await store.verify()
        #expect(report.problems.count == VerificationReport.problemsListed + 1)  // and the missing trigger
        #expect(report.problemsNotListed == 30 && report.problemCount == 131 && !report.isIntact)
        #expect(report.problems[99].hasPrefix("position 100: hash does not match"))
    }

    @Test("a relinked event (its hash recomputed after an edit) is named by the next event's link")
    func verifyRelinkedEvent() async throws {
        let store = try await filled(events: 10)
        let original = try await store.readAll(after: 5, limit: 1)[0]
        var edited = original
        edited.data = Data(#"{"i":"5","name":"李四"}"#.utf8)
        let (text, rehashed) = (String(decoding: edited.data, as: UTF8.self), ChainHash.hash(of: edited))
        try await store.pool.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: "UPDATE events SET data = ?, hash = ? WHERE position = 6", arguments: [text, rehashed])
        }
        let report = try await store.verify()
        #expect(
            report.problems.filter { $0.hasPrefix("position") } == [
                "position 7: previous_hash does not match the hash of position 6 (an event was replaced or relinked)"
            ]
        )
    }

    @Test("the chain of the last events alone: a change among them is found, one before them is left to verify")
    func verifyRecentEvents() async throws {
        let store = try await filled(events: 30)
        let original = try await store.readAll(after: 27, limit: 1)[0]
        #expect(try await store.verifyRecent(events: 5).isIntact)
        #expect(try await store.verifyRecent(events: 5).eventsChecked == 5)
        try await store.pool.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: "UPDATE events SET data = json_set(data, '$.name', '李四') WHERE position IN (3, 28)")
        }
        let recent = try await store.verifyRecent(events: 5)
        #expect(recent.firstBadPosition == 28 && recent.problemCount == 1)
        // The link into the window is checked too: the event just before it was relinked.
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE events SET data = ? WHERE position = 28", arguments: [String(decoding: original.data, as: UTF8.self)])
            try db.execute(sql: "UPDATE events SET hash = zeroblob(32) WHERE position = 25")
        }
        #expect(try await store.verifyRecent(events: 5).firstBadPosition == 26)
        #expect(try await store.verifyRecent(events: 100).firstBadPosition == 3)
        #expect(try await SQLiteEventStore(path: directory.appendingPathComponent("empty.sqlite").path).verifyRecent(events: 5).isIntact)
    }

    @Test("verify catches a claim removed from the claims table")
    func claimTableTampering() async throws {
        let store = try SQLiteEventStore(path: path)
        _ = try await store.append(request("candidate-1", claims: ["username:zhangsan"]))
        #expect(try await store.verify().isIntact)
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM claims") }
        let report = try await store.verify()
        #expect(!report.isIntact)
        #expect(report.firstBadPosition == nil)
    }

    @Test("an acknowledged append survives closing and reopening the file")
    func reopen() async throws {
        let head: Data
        do {
            let store = try await filled(events: 12)
            head = try await store.readAll(after: 11, limit: 1)[0].hash
        }
        let reopened = try SQLiteEventStore(path: path)
        #expect(try await reopened.headPosition() == 12)
        let next = try await reopened.append(request("candidate-9"))
        #expect(next.firstPosition == 13)
        #expect(try await reopened.readAll(after: 12, limit: 1)[0].previousHash == head)
    }

    @Test(
        "a read connection that keeps its read transaction still sees every commit: another store's, another process's, after the WAL starts over, its own"
    )
    func keptReadTransactionsSeeEveryCommit() async throws {
        var quiet = SQLiteEventStore.Options()
        quiet.checkpointInterval = nil  // no checkpoint thread to hold the checkpoint lock when the test truncates
        var holding = quiet
        holding.readTransactionHold = .seconds(3_600)  // only a commit can end it here, never the clock
        let reader = try SQLiteEventStore(path: path, options: holding)
        let writer = try SQLiteEventStore(path: path, options: quiet)
        _ = try await writer.append(request("candidate-1"))
        for round in 1...60 {
            #expect(try await reader.readStream("candidate-1").count == round)
            #expect(try await reader.streamVersion("candidate-1") == round)
            #expect(try await reader.readPayloads("candidate-1", fromVersion: 1, toVersion: nil).count == round)
            if round % 4 == 1 {
                // The WAL copied back and started over: its header's salts change, the frame count goes back to 0.
                reader.endIdleReadTransactions()
                let (busy, _) = try await checkpointTruncating()
                #expect(busy == 0)
            }
            _ = try await writer.append(request("candidate-1"))
        }
        // The reader's own append (after which its reads keep no transaction for the hold).
        _ = try await reader.append(request("candidate-1"))
        #expect(try await reader.streamVersion("candidate-1") == 62)
        // Another process appends (the sqlite3 shell, a row as the log would write it, chain aside).
        guard let sqlite3 = which("sqlite3") else { return }
        let head = try await reader.headPosition()
        let insert = """
            INSERT INTO events (position, stream_id, stream_version, event_type, schema_version, data, metadata, previous_hash, hash)
            VALUES (\(head + 1), 'candidate-2', 1, 'E', 1, '{}', '{}', x'00', x'00');
            """
        #expect(try run(sqlite3, [path, insert]).status == 0)
        #expect(try await reader.headPosition() == head + 1)
        #expect(try await reader.streamVersion("candidate-2") == 1)
    }

    @Test(
        "reading the WAL-index header keeps SQLite's locks: another process that opens and closes the log does not take it for unused (no -wal or -shm deleted, nothing lost)"
    )
    func walIndexHeaderKeepsSQLiteLocks() async throws {
        guard let sqlite3 = which("sqlite3") else { return }
        let store = try SQLiteEventStore(path: path)
        for index in 0..<5 { _ = try await store.append(request("candidate-\(index)")) }
        // Two reads on one connection of a store that has not written: the second maps the WAL-index header.
        let reader = try SQLiteEventStore(path: path)
        _ = try await reader.streamVersion("candidate-1")
        _ = try await reader.streamVersion("candidate-1")
        // SQLite's locks are POSIX record locks, which a process loses on a file when it closes any descriptor of it.
        // The "dead man switch" byte of the -shm file (offset 128) is read-locked by every connection in use: a
        // process that finds it unlocked takes itself for the first user and truncates the WAL index under the others.
        if let python3 = which("python3") {
            let probe = """
                import fcntl, os, struct, sys
                fd = os.open(sys.argv[1], os.O_RDWR)
                lock = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 128, 1, 0))
                print("locked" if struct.unpack("hhqqi", lock)[0] != fcntl.F_UNLCK else "unlocked")
                """
            #expect(try run(python3, ["-c", probe, path + "-shm"]).output.trimmingCharacters(in: .whitespacesAndNewlines) == "locked")
        }
        #expect(try run(sqlite3, [path, "SELECT COUNT(*) FROM events;"]).output.trimmingCharacters(in: .whitespacesAndNewlines) == "5")
        #expect(FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        for index in 5..<10 { _ = try await store.append(request("candidate-\(index)")) }
        #expect(try await reader.headPosition() == 10)
        #expect(try await store.verify().isIntact)
    }

    @Test("readers that keep transactions, many at once, never read a version older than an append that returned before the read began")
    func keptReadTransactionsUnderConcurrentReaders() async throws {
        let writer = try SQLiteEventStore(path: path)
        let reader = try SQLiteEventStore(path: path)  // never writes: its reads keep transactions whenever they can
        _ = try await writer.append(request("candidate-1"))
        final class Progress: Sendable {
            let acknowledged = Atomic<Int>(1)
            let writing = Atomic<Bool>(true)
            let stale = Atomic<Int>(0)
            let reads = Atomic<Int>(0)
            let readersStarted = Atomic<Int>(0)
        }
        let progress = Progress()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { progress.writing.store(false, ordering: .releasing) }
                while progress.readersStarted.load(ordering: .acquiring) < 6 { await Task.yield() }
                for _ in 0..<300 {
                    let result = try await writer.append(request("candidate-1"))
                    progress.acknowledged.store(result.lastVersion, ordering: .releasing)
                }
            }
            for _ in 0..<6 {
                group.addTask {
                    progress.readersStarted.add(1, ordering: .releasing)
                    while progress.writing.load(ordering: .acquiring) {
                        let floor = progress.acknowledged.load(ordering: .acquiring)
                        let version = try await reader.streamVersion("candidate-1")
                        let payloads = try await reader.readPayloads("candidate-1", fromVersion: 1, toVersion: nil).count
                        if version < floor || payloads < version { progress.stale.add(1, ordering: .relaxed) }
                        progress.reads.add(1, ordering: .relaxed)
                        await Task.yield()  // the reads never suspend: without this, readers could starve the writer
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(progress.stale.load(ordering: .relaxed) == 0)
        #expect(progress.reads.load(ordering: .relaxed) >= 6)
        #expect(try await reader.streamVersion("candidate-1") == 301)
    }

    @Test("an idle read connection ends its kept transaction once its hold runs out (or when asked), so a TRUNCATE checkpoint finds no reader")
    func keptReadTransactionsEnd() async throws {
        var quiet = SQLiteEventStore.Options()
        quiet.checkpointInterval = nil  // nothing copies the WAL but the checkpoints below
        let writer = try SQLiteEventStore(path: path, options: quiet)
        _ = try await writer.append(request("candidate-1"))

        var holding = quiet
        holding.readTransactionHold = .seconds(3_600)
        let reader = try SQLiteEventStore(path: path, options: holding)
        _ = try await reader.streamVersion("candidate-1")  // maps the WAL index
        _ = try await writer.append(request("candidate-1"))
        #expect(try await reader.streamVersion("candidate-1") == 2)  // a snapshot that reads from the WAL, kept
        #expect(try await checkpointTruncating().busy == 1)
        reader.endIdleReadTransactions()
        #expect(try await checkpointTruncating().busy == 0)

        // The default hold: the transaction ends by itself a few milliseconds after the read.
        let defaultHold = try SQLiteEventStore(path: path, options: quiet)
        _ = try await defaultHold.streamVersion("candidate-1")
        _ = try await writer.append(request("candidate-1"))
        #expect(try await defaultHold.streamVersion("candidate-1") == 3)
        var busy = 1
        for _ in 0..<500 where busy != 0 {
            busy = try await checkpointTruncating().busy
            if busy != 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(busy == 0)
        #expect(try await defaultHold.streamVersion("candidate-1") == 3)
    }

    @Test(
        "kept read transactions do not keep the WAL from starting over: a client that reads and writes in turn leaves no larger a WAL than with a transaction per read"
    )
    func keptReadTransactionsLetTheWALStartOver() async throws {
        let kept = try await walBytesAfterReadsAndWritesInTurn(hold: .seconds(3_600))  // the clock never ends them here
        let perRead = try await walBytesAfterReadsAndWritesInTurn(hold: nil)
        // Kept while the process writes, and ended after the commit that follows the read, they made it 3.6 times
        // larger (the commit's own checkpoint stopped at the read's snapshot); ended only by the connection's next
        // read, 4.2 times.
        #expect(kept <= perRead + perRead / 4, "WAL of \(kept) bytes with kept transactions, \(perRead) with one per read")
    }

    /// The WAL's size after 1,500 turns of a read and an append on a fresh log whose commits checkpoint every 50 pages.
    private func walBytesAfterReadsAndWritesInTurn(hold: Duration?) async throws -> Int {
        var options = SQLiteEventStore.Options()
        options.checkpointInterval = nil  // SQLite's own checkpoint, inside the commit that finds 50 pages
        options.writerCheckpointPages = 50
        options.readTransactionHold = hold
        let file = directory.appendingPathComponent("turns-\(hold == nil ? "per-read" : "kept").sqlite").path
        let store = try SQLiteEventStore(path: file, options: options)
        _ = try await store.append(request("candidate-0"))
        for index in 1...1_500 {
            // The read takes a snapshot of the WAL; the append that follows must still find the WAL free to start over.
            _ = try await store.streamVersion("candidate-\(index % 7)")
            _ = try await store.append(
                request("candidate-\(index % 7)", events: [event("E", ["i": "\(index)", "text": String(repeating: "考", count: 300)])])
            )
        }
        return try FileManager.default.attributesOfItem(atPath: file + "-wal")[.size] as? Int ?? 0
    }

    /// A `TRUNCATE` checkpoint on a connection of its own that waits for no one: (busy, WAL frames left).
    private func checkpointTruncating() async throws -> (busy: Int, frames: Int) {
        let queue = try DatabaseQueue(path: path)
        return try await queue.writeWithoutTransaction { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return (row?[0] ?? 1, row?[1] ?? -1)
        }
    }

    @Test("two store instances on one file (two writers) never break the chain or lose an append")
    func twoWriters() async throws {
        let first = try SQLiteEventStore(path: path)
        let second = try SQLiteEventStore(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in [first, second].enumerated() {
                group.addTask {
                    for round in 0..<25 { _ = try await store.append(request("writer-\(index)", events: [event("E", ["r": "\(round)"])])) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await first.headPosition() == 50)
        #expect(try await first.verify().isIntact)
    }

    @Test("export then import reproduces every event and hash; claims and request ids come back")
    func exportImport() async throws {
        let store = try SQLiteEventStore(path: path)
        _ = try await store.append(request("candidate-1", requestId: "r-1", claims: ["username:zhangsan"]))
        for index in 0..<39 { _ = try await store.append(request("candidate-\(index % 3)", events: [event("E", ["i": "\(index)"])])) }
        // A claim the stream already holds, taken again (an ID number corrected back to one it had): kept once, where
        // it was first taken, by the append and by the import (audit AA-8).
        _ = try await store.append(request("candidate-1", claims: ["username:zhangsan"]))
        #expect(try await store.claimHolder("username:zhangsan") == "candidate-1")
        let exportURL = directory.appendingPathComponent("log.jsonl.zst")
        #expect(try await store.export(to: exportURL) == 41)

        let copy = try SQLiteEventStore(path: directory.appendingPathComponent("copy.sqlite").path)
        #expect(try await copy.importLog(from: exportURL) == 41)
        #expect(try await copy.readAll(after: 0, limit: 100) == store.readAll(after: 0, limit: 100))
        #expect(try await copy.claimHolder("username:zhangsan") == "candidate-1")
        let retry = try await copy.append(request("candidate-1", requestId: "r-1", claims: ["username:zhangsan"]))
        #expect(retry.wasDuplicate && retry.firstPosition == 1)
        #expect(try await copy.verify().isIntact)
        // A second import into a non-empty log is refused.
        await #expect(throws: ImportRefusal("import needs an empty log; this one has events")) { try await copy.importLog(from: exportURL) }
    }

    @Test("import refuses an export whose event was altered, and keeps nothing")
    func importRefusesTamperedExport() async throws {
        let store = try await filled(events: 10)
        let exportURL = directory.appendingPathComponent("log.jsonl.zst")
        try await store.export(to: exportURL)
        let lines = String(decoding: try Zstd.decompressFile(exportURL), as: UTF8.self).split(separator: "\n")
        var altered = lines.map(String.init)
        altered[5] = altered[5].replacingOccurrences(of: "张三", with: "王五")
        let alteredURL = directory.appendingPathComponent("altered.jsonl.zst")
        let writer = try ZstdFileWriter(url: alteredURL)
        try writer.write(Data((altered.joined(separator: "\n") + "\n").utf8))
        try writer.finish()

        let copy = try SQLiteEventStore(path: directory.appendingPathComponent("copy.sqlite").path)
        await #expect(throws: ImportRefusal("position 6: hash does not match the event's contents")) {
            try await copy.importLog(from: alteredURL)
        }
        // Worded as an import's refusal, not as a refused append.
        #expect("\(ImportRefusal("position 6: hash does not match the event's contents"))" == "position 6: hash does not match the event's contents")
        #expect(try await copy.headPosition() == 0)
    }

    @Test("export verifies the chain as it writes: a log with an edited or a deleted event is refused and nothing is written")
    func exportRefusesBrokenChain() async throws {
        let store = try await filled(events: 12)
        let original = try await store.readAll(after: 6, limit: 1)[0]
        let exportURL = directory.appendingPathComponent("log.jsonl.zst")
        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("jsonl") }
        }
        try await store.pool.write { db in
            try db.execute(sql: "DROP TRIGGER events_refuse_update")
            try db.execute(sql: "DROP TRIGGER events_refuse_delete")
            try db.execute(sql: "UPDATE events SET data = json_set(data, '$.name', '李四') WHERE position = 7")
        }
        await #expect(throws: ExportRefusal.brokenChain(position: 7, why: "hash does not match the event's contents")) {
            try await store.export(to: exportURL)
        }
        #expect(try leftovers().isEmpty)
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE events SET data = ? WHERE position = 7", arguments: [String(decoding: original.data, as: UTF8.self)])
            try db.execute(sql: "DELETE FROM events WHERE position = 4")
        }
        await #expect(throws: ExportRefusal.brokenChain(position: 4, why: "missing (the next stored position is 5)")) {
            try await store.export(to: exportURL)
        }
        #expect(try leftovers().isEmpty)
        // Intact again (the gap and what follows it gone): the count is of the events written.
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM events WHERE position > 3") }
        #expect(try await store.export(to: exportURL) == 3)
    }

    @Test("import refuses an export cut short at a line boundary, or with lines after its closing line, and keeps nothing")
    func importRefusesTruncatedExport() async throws {
        let store = try await filled(events: 10)
        let exportURL = directory.appendingPathComponent("log.jsonl.zst")
        try await store.export(to: exportURL)
        let lines = String(decoding: try Zstd.decompressFile(exportURL), as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 11)
        #expect(lines.last == #"{"endOfExport":{"events":10,"headHash":"\#(try await store.readAll(after: 9, limit: 1)[0].hash.hexString)"}}"#)
        func rewritten(_ name: String, _ lines: [String]) throws -> URL {
            let url = directory.appendingPathComponent(name)
            let writer = try ZstdFileWriter(url: url)
            try writer.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            try writer.finish()
            return url
        }
        let copy = try SQLiteEventStore(path: directory.appendingPathComponent("copy.sqlite").path)
        let cut = try rewritten("cut.jsonl.zst", Array(lines.prefix(6)))
        await #expect(
            throws: ImportRefusal(
                "the export ends after 6 events without its closing line: it was cut short (or written before exports had one)"
            )
        ) { try await copy.importLog(from: cut) }
        let promisesMore = try rewritten("short.jsonl.zst", Array(lines.prefix(6)) + [lines.last!])
        await #expect(throws: ImportRefusal.self) { try await copy.importLog(from: promisesMore) }
        let trailing = try rewritten("trailing.jsonl.zst", lines + [lines[0]])
        await #expect(throws: ImportRefusal("line 12 follows the export's closing line")) {
            try await copy.importLog(from: trailing)
        }
        #expect(try await copy.headPosition() == 0)
        // An empty log exports to its closing line alone, and imports as an empty log.
        let empty = try SQLiteEventStore(path: directory.appendingPathComponent("empty.sqlite").path)
        let emptyURL = directory.appendingPathComponent("empty.jsonl.zst")
        #expect(try await empty.export(to: emptyURL) == 0)
        #expect(try await copy.importLog(from: emptyURL) == 0)
        #expect(try await copy.importLog(from: exportURL) == 10)
    }

    @Test("snapshots are real zstd frames; a trained dictionary shrinks them and zstd -D decompresses them")
    func snapshotsWithDictionary() async throws {
        let store = try SQLiteEventStore(path: path)
        var payloads = [Data]()
        for index in 0..<200 {
            let state = [
                "candidateId": "candidate-\(index)", "name": ["张三", "李四", "王五", "阿依古丽.买买提"][index % 4],
                "school": ["北京大学", "复旦大学", "中国医科大学"][index % 3], "major": "临床医学", "level": "本科",
                "studyForm": "普通全日制", "enrolment": "20\(10 + index % 9)-09", "graduation": "20\(15 + index % 9)-07",
                "address": "湖北省武汉市洪山区珞喻路\(index)号", "mobile": "138\(String(format: "%08d", index * 7919))",
            ]
            let payload = try CanonicalJSON.encode(state)
            payloads.append(payload)
            try await store.saveSnapshot(Snapshot(streamId: "candidate-\(index)", streamVersion: 20, stateSchemaVersion: 1, payload: payload))
        }
        let before = try await store.snapshotStatistics()
        #expect(before.count == 200 && before.withDictionary == 0)

        let report = try await store.trainSnapshotDictionary(capacity: 8 * 1024)
        let after = try await store.snapshotStatistics()
        #expect(after.withDictionary == 200)
        #expect(after.currentDictionaryId == report.dictionaryId)
        #expect(after.storedBytes < before.storedBytes)
        for index in [0, 77, 199] {
            #expect(try await store.loadSnapshot(streamId: "candidate-\(index)", stateSchemaVersion: 1)?.payload == payloads[index])
        }

        // The zstd command-line tool reads the stored blob with the stored dictionary.
        let zstd = try #require(which("zstd"), "the zstd CLI is installed by the Makefile")
        let (blob, dictionaryId) = try await store.pool.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT blob, dictionary_id FROM snapshots WHERE stream_id = 'candidate-77'")!
            return (row["blob"] as Data, row["dictionary_id"] as Int64)
        }
        #expect(Zstd.frameDictionaryID(blob) == UInt32(dictionaryId))
        let dictionary = try #require(try await store.dictionary(id: dictionaryId))
        let blobURL = directory.appendingPathComponent("snapshot.zst")
        let dictionaryURL = directory.appendingPathComponent("dictionary.zdict")
        try blob.write(to: blobURL)
        try dictionary.write(to: dictionaryURL)
        let outputURL = directory.appendingPathComponent("snapshot.json")
        let result = try run(zstd, ["-q", "-d", "-D", dictionaryURL.path, blobURL.path, "-o", outputURL.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(try Data(contentsOf: outputURL) == payloads[77])
        #expect(try await store.verify().snapshotsChecked == 200)
    }

    @Test("a snapshot that no longer decompresses is a cache miss for loading and a problem for verify")
    func corruptSnapshot() async throws {
        let store = try SQLiteEventStore(path: path)
        try await store.saveSnapshot(Snapshot(streamId: "a", streamVersion: 3, stateSchemaVersion: 1, payload: Data("{\"x\":1}".utf8)))
        try await store.pool.write { db in try db.execute(sql: "UPDATE snapshots SET blob = x'00112233'") }
        #expect(try await store.loadSnapshot(streamId: "a", stateSchemaVersion: 1) == nil)
        #expect(try await store.loadSnapshotAndTail(streamId: "a", stateSchemaVersion: 1).snapshot == nil)
        #expect(store.snapshotsNotDecompressed == 2, "counted for /metrics")
        #expect(try await !store.verify().isIntact)
    }
}

extension Zstd {
    /// Decompresses a whole stream file (test helper).
    static func decompressFile(_ url: URL) throws -> Data {
        let reader = try ZstdLineReader(url: url)
        var out = Data()
        while let line = try reader.nextLine() {
            out.append(line)
            out.append(0x0A)
        }
        return out
    }
}

/// The largest value noted, from any thread.
private final class LargestSeen: Sendable {
    private let largest = Mutex(0)
    var value: Int { largest.withLock { $0 } }
    func note(_ value: Int) { largest.withLock { $0 = max($0, value) } }
}
