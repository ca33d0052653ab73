import ArgumentParser
import EventLog
import Foundation

/// The `--db PATH` option shared by the commands.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the SQLite event log file.")
    var db: String

    /// Opens the log; `mustExist` refuses to create a new file (read commands).
    func open(mustExist: Bool = true, readOnly: Bool = false) throws -> SQLiteEventStore {
        if mustExist && !FileManager.default.fileExists(atPath: db) {
            throw failure("no database at \(db)")
        }
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
