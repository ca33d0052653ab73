import ArgumentParser
import EventLog
import Foundation
import Projections

/// `registrar rebuild`: refills read models from position 0 into shadow tables and swaps them in.
struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild read models from the log into shadow tables, catch up, and swap them in atomically.",
        discussion: """
            A running server keeps serving (and appending) meanwhile; interrupting the rebuild leaves the old tables \
            in place. Prints the content hash of each rebuilt read model.
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
        do {
            let engine = ProjectionEngine(store: store)
            try engine.install()
            let report = try await engine.rebuild(projection: projection) { progress in
                bar.update(done: progress.processed, total: progress.total)
            }
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
            throw failure("rebuild failed: \(error)")
        }
    }
}
