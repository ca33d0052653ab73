import Dispatch
import Foundation
import GRDBSQLite
import Synchronization

/// Copies the WAL back into the database file on a thread and a connection of its own, so that commits seldom wait
/// for a checkpoint.
///
/// SQLite's automatic checkpoint runs inside the commit that finds 1,000 pages in the WAL: the writer, which every
/// append waits for, then copies pages into the database file and fsyncs it. This thread runs a `PASSIVE` checkpoint
/// every interval: it never waits for readers or for the writer, and it syncs the WAL before copying and the database
/// file after, as SQLite's own checkpoint does. The writer keeps an automatic checkpoint at a higher threshold
/// (``SQLiteEventStore/Options/writerCheckpointPages``): it copies only what this thread has not, and it is what lets
/// the WAL start over, since a WAL restarts only when a writer finds it wholly copied. Commits keep their own fsync of
/// the WAL (the store's durability); only where the pages are copied, and when, changes.
final class BackgroundCheckpointer: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let passes = Atomic<Int>(0)

    /// Opens the connection and starts the thread; `synchronous` is the store's durability setting.
    init(path: String, interval: Duration, synchronous: String) throws {
        let connection = try CheckpointConnection(path: path, synchronous: synchronous)
        let thread = Thread { [self] in
            run(connection, interval: interval)
        }
        thread.name = "registrar.eventlog.checkpoint"
        thread.start()
    }

    /// Completed passes so far.
    var passCount: Int { passes.load(ordering: .acquiring) }

    /// Ends the thread after its current pass and closes its connection; returns once it has.
    func stop() {
        stopping.store(true, ordering: .releasing)
        wake.signal()
        finished.wait()
    }

    private func run(_ connection: CheckpointConnection, interval: Duration) {
        while true {
            _ = wake.wait(timeout: .now() + .nanoseconds(Int(max(1_000_000, interval.nanoseconds))))
            if stopping.load(ordering: .acquiring) { break }
            // A pass that finds the writer or a reader in the way copies what it can; the next one goes on.
            connection.checkpoint()
            passes.add(1, ordering: .releasing)
        }
        connection.close()
        finished.signal()
    }
}

/// The checkpointer's SQLite connection, used by its thread alone (hence the unchecked `Sendable`).
private final class CheckpointConnection: @unchecked Sendable {
    private var handle: OpaquePointer?

    init(path: String, synchronous: String) throws {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let handle { sqlite3_close_v2(handle) }
            throw EventLogError.storage("cannot open \(path) for checkpoints: \(message)")
        }
        // A checkpoint syncs the WAL before copying and the database file after, at NORMAL as at FULL.
        sqlite3_exec(handle, "PRAGMA synchronous = \(synchronous)", nil, nil, nil)
        self.handle = handle
    }

    func checkpoint() {
        _ = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    func close() {
        sqlite3_close_v2(handle)
        handle = nil
    }
}
