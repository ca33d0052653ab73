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
        let work = Task {
            try engine.install()
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
