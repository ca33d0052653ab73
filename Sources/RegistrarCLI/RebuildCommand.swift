import ArgumentParser
import EventLog
import Foundation
import Projections
import Synchronization

/// `registrar rebuild`: refills read models from position 0 into shadow tables and swaps them in.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild read models from the log into shadow tables, catch up, and swap them in atomically.",
        discussion: """
            A running server keeps serving (and appending) meanwhile; interrupting the rebuild (Ctrl-C, SIGTERM) drops \
            the shadow tables, leaves the old tables in place and exits 130. Prints the content hash of each rebuilt \
            read model.

            A log that has lost events the read models had folded (cut off its end, or replaced) is rebuilt from as it \
            is now, with a warning on standard error before and after: the read models were the only record in the file \
            that those events existed. Then every read model that folded them must be rebuilt (--projection naming \
            only some of them is refused).
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Only this read model: candidate_view, review_comparison or audit_trail.")
    var projection: String?

    func validate() throws {
        if let projection, !Projections.all.contains(where: { $0.name == projection }) {
            throw ValidationError("unknown --projection \(projection); known: \(Projections.all.map(\.name).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let store = try database.open()
        let bar = ProgressBar("rebuild")
        let engine = ProjectionEngine(store: store)
        let projection = self.projection
        let selected = Set(projection.map { [$0] } ?? Projections.all.map(\.name))
        let logProblems: [ProjectionError]
        do {
            logProblems = try engine.logProblems()
        } catch {
            throw failure("rebuild failed: \(error)")
        }
        for problem in logProblems { printError("registrar: WARNING: \(problem.logFinding ?? "\(problem)")") }
        if !logProblems.isEmpty {
            let others = logProblems.compactMap(\.readModel).filter { !selected.contains($0) }
            if !others.isEmpty {
                throw failure(
                    "\(others.joined(separator: ", ")) folded the removed events too: rebuild every read model that did "
                        + "(`registrar rebuild --db \(database.db)` without --projection), after `registrar verify --db \(database.db)`"
                )
            }
            printError(
                "registrar: WARNING: the log is shorter than the read models had seen: rebuilding them from the log as it is "
                    + "now drops every row of the removed events, the only record of them in this file; keep a copy of the file "
                    + "and run `registrar verify --db \(database.db)` to find out what else changed"
            )
        }
        let work = Task {
            try engine.install(rebuilding: selected)
            return try await engine.rebuild(projection: projection) { progress in
                bar.update(done: progress.processed, total: progress.total)
            }
        }
        // Cancelling the task runs the engine's cleanup, which drops the shadow tables; a signal's default action
        // would end the process with them still in the file.
        let interrupted = InterruptFlag()
        let trap = SignalTrap { _ in
            interrupted.raised.store(true, ordering: .sequentiallyConsistent)
            work.cancel()
        }
        defer { trap.stop() }
        do {
            let report = try await work.value
            bar.finish()
            print(
                "rebuilt \(report.projections.joined(separator: ", ")): \(report.events) events in "
                    + String(format: "%.1f s (%.0f events/s)", report.seconds, report.rate) + ", checkpoint \(report.position)"
            )
            for name in report.projections {
                print("  \(name) content hash \(try engine.contentHash(name))")
            }
            if !logProblems.isEmpty {
                printError(
                    "registrar: WARNING: rebuilt from a log that had lost events the read models had folded (see above); "
                        + "the read models now show the log as it is"
                )
            }
        } catch {
            bar.finish()
            if interrupted.raised.load(ordering: .sequentiallyConsistent) {
                printError("rebuild cancelled; the read models are as before")
                throw ExitCode(130)
            }
            throw failure("rebuild failed: \(error)")
        }
    }
}

/// Whether a signal asked the work to stop (a class: an atomic cannot be captured by the signal's closure itself).
private final class InterruptFlag: Sendable {
    let raised = Atomic<Bool>(false)
}
