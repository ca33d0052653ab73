import EventLog
import Foundation

/// The quick checks that a command runs before it serves or shows a log: the hash chain of its last events, the
/// append-only triggers, and that no read model folded events the log no longer has. `registrar serve` runs them
/// all as it starts; `trace` and `replay`, which change nothing, all but the triggers. `registrar verify` checks the
/// whole log.
public enum LogGuard {
    /// The events whose chain is checked (the last ones; `registrar verify` checks them all).
    public static let checkedEvents = 1_000

    /// The first problem found, worded for an operator with the file named in what to run, or nil when none was.
    ///
    /// - Parameters:
    ///   - requireTriggers: also check that the append-only triggers are there (for a command that appends).
    ///   - readModels: also check that no read model folded events the log no longer has.
    public static func problem(
        _ store: SQLiteEventStore,
        readModels: ProjectionEngine?,
        databasePath: String,
        requireTriggers: Bool
    ) async throws -> String? {
        let verify = "run `registrar verify --db \(databasePath)`"
        let recent = try await store.verifyRecent(events: checkedEvents)
        if let first = recent.problems.first {
            let more = recent.problemCount > 1 ? " (and \(recent.problemCount - 1) more problems)" : ""
            return "the hash chain of the log's last \(checkedEvents) events is broken: \(first)\(more): the log was changed "
                + "outside registrar; \(verify)"
        }
        if requireTriggers {
            let missing = try await store.missingAppendOnlyTriggers()
            if !missing.isEmpty {
                let names = missing.joined(separator: " and ")
                return "append-only trigger\(missing.count > 1 ? "s" : "") \(names) \(missing.count > 1 ? "are" : "is") missing: "
                    + "the log can be changed outside registrar without the store refusing it (a tail cut, say); \(verify)"
            }
        }
        if let readModels, let problem = try readModels.logProblems().first {
            return problem.description(database: databasePath)
        }
        return nil
    }
}
