import ArgumentParser
import EventLog
import Foundation
import Projections

/// The `--db PATH` option shared by the commands.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the SQLite event log file.")
    var db: String

    /// Opens an existing event log. Refuses, before anything is written, a missing file and a file that is not a
    /// Registrar event log: opening one as a log would migrate it, adding the log's tables to someone else's database.
    func open(readOnly: Bool = false) throws -> SQLiteEventStore {
        switch try inspect() {
        case .missing: throw failure("no database at \(db)")
        case .empty, .other: throw failure("\(db) is not a Registrar event log (no events table); nothing was changed")
        case .eventLog: return try openStore(readOnly: readOnly)
        }
    }

    /// Opens the log a command fills (`demo`, `import`): creates it when no file exists, and accepts an empty file or
    /// an existing log (the command checks that it holds no events). Refuses a SQLite database with other tables.
    /// `created` says the command made the file, to remove it if the command fails.
    func openOrCreate(for command: String) throws -> (store: SQLiteEventStore, created: Bool) {
        switch try inspect() {
        case .missing: return (try openStore(readOnly: false), true)
        case .empty, .eventLog: return (try openStore(readOnly: false), false)
        case .other(let tables):
            let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
            throw failure(
                "\(db) is not a Registrar event log (no events table; it holds \(shown)); \(command) writes only into a new file "
                    + "or an empty log, nothing was changed"
            )
        }
    }

    /// Removes the database file and its companions, after a command that created it failed.
    func removeCreatedFile() {
        for suffix in ["", "-wal", "-shm", "-journal", "-maintenance.lock"] { try? FileManager.default.removeItem(atPath: db + suffix) }
    }

    private func inspect() throws -> LogFileKind {
        do {
            return try SQLiteEventStore.inspect(path: db)
        } catch {
            throw failure("\(error)")
        }
    }

    private func openStore(readOnly: Bool) throws -> SQLiteEventStore {
        var options = SQLiteEventStore.Options()
        options.readOnly = readOnly
        do {
            return try SQLiteEventStore(path: db, options: options)
        } catch {
            throw failure("\(error)")
        }
    }
}

/// Reports a failure as one line on standard error and returns the exit code to throw (2: could not do the work;
/// 1 is kept for "done, and the answer is no", as in `verify`).
func failure(_ message: String) -> ExitCode {
    printError("registrar: \(message)")
    return ExitCode(2)
}

extension DatabaseOptions {
    /// Refuses (exit 2) a log that `registrar serve` would refuse to start on, triggers aside (the command changes
    /// nothing): the hash chain of its last events is broken, or, with `readModels`, a read model folded events the
    /// log no longer has. What the command would show of such a log is not the log as it was written.
    ///
    /// - Parameter nothingShown: what the refusal adds in parentheses, e.g. "the trail is not shown".
    func refuseChangedLog(_ store: SQLiteEventStore, command: String, readModels: Bool, nothingShown: String) async throws {
        let engine = readModels ? ProjectionEngine(store: store) : nil
        let problem: String?
        do {
            problem = try await LogGuard.problem(store, readModels: engine, databasePath: db, requireTriggers: false)
        } catch {
            throw failure("\(command) failed: \(error)")
        }
        if let problem { throw failure("\(command) refused: \(problem) (\(nothingShown))") }
    }
}
