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

            The whole log's hash chain is checked first, as `registrar verify` does (on the 2,000-candidate demo log, \
            ~0.2-0.5 s against ~1 s for the rebuild itself). A log whose chain is broken (an event edited, deleted or relinked), or that lost events the read \
            models had folded (cut off its end, or replaced), is refused (exit 2): the read models are then the only \
            record in the file of what the log held, and a rebuild would replace it with the log as it is now. Keep a \
            copy of the file and run `registrar verify`; --force rebuilds anyway, with warnings on standard error \
            before and after. Every read model that folded lost events must then be rebuilt (--projection naming only \
            some of them is refused).

            Rows changed behind the log's back (an audit row edited with the sqlite3 shell) are replaced by what the log \
            says, without a word: `registrar verify` names them first (the rows only in the live tables, and those \
            only in a rebuild), so run it before a rebuild when the read models are in question.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Only this read model: candidate_view, review_comparison or audit_trail.")
    var projection: String?

    @Flag(
        name: .long,
        help: "Rebuild from a log whose hash chain is broken or that lost events the read models had folded (refused without it)."
    )
    var force = false

    func validate() throws {
        if let projection, !Projections.all.contains(where: { $0.name == projection }) {
            throw ValidationError("unknown --projection \(projection); known: \(Projections.all.map(\.name).joined(separator: ", "))")
        }
    }

    /// The chain problems listed before a refusal or a forced rebuild; the rest are counted.
    static let chainProblemsListed = 10

    func run() async throws {
        let store = try database.open()
        let engine = ProjectionEngine(store: store)
        let projection = self.projection
        let selected = Set(projection.map { [$0] } ?? Projections.all.map(\.name))
        let verify = "`registrar verify --db \(database.db)`"
        let logProblems: [ProjectionError]
        let chain: VerificationReport
        do {
            logProblems = try engine.logProblems()
            let checking = ProgressBar("verify")
            chain = try await store.verify(snapshots: false, progress: checking.reporter)
            checking.finish()
        } catch {
            throw failure("rebuild failed: \(error)")
        }
        // The chain's own problems (edited, missing, relinked events); triggers and claims are warned about only,
        // since the events the rebuild folds are still those written.
        let chainProblems = chain.firstBadPosition == nil ? [] : chain.problems.filter { $0.hasPrefix("position ") }
        let otherProblems = chain.problems.filter { !chainProblems.contains($0) }
        var findings = chainProblems.prefix(Self.chainProblemsListed).map { $0 }
        let unlisted = chain.problemCount - otherProblems.count - findings.count
        if chain.firstBadPosition != nil, unlisted > 0 { findings.append("and \(unlisted) more problems of the hash chain") }
        findings += logProblems.map { $0.logFinding ?? "\($0)" }
        for problem in otherProblems { printError("registrar: WARNING: \(problem)") }
        let others = logProblems.compactMap(\.readModel).filter { !selected.contains($0) }
        if !others.isEmpty {
            for finding in findings { printError("registrar: \(finding)") }
            throw failure(
                "\(others.joined(separator: ", ")) folded the removed events too: rebuild every read model that did "
                    + "(`registrar rebuild --db \(database.db)` without --projection), after \(verify)"
            )
        }
        // What was lost or changed, each worded as what it is.
        var consequences = [String]()
        if let position = chain.firstBadPosition {
            consequences.append(
                "the log's hash chain is broken (first at position \(position)): the log was changed outside registrar, and rebuilding "
                    + "folds the changed events as they are now, replacing the read models' rows of them as they were written"
            )
        }
        if logProblems.contains(where: { if case .logEndsBeforeReadModel = $0 { true } else { false } }) {
            consequences.append(
                "the log is shorter than the read models had seen: rebuilding them from the log as it is now drops every row of "
                    + "the removed events"
            )
        }
        if logProblems.contains(where: { if case .foldedEventReplaced = $0 { true } else { false } }) {
            consequences.append(
                "an event the read models had folded is no longer in the log (removed, another written in its place): "
                    + "rebuilding them from the log as it is now drops every row of the removed events"
            )
        }
        if !findings.isEmpty && !force {
            for finding in findings { printError("registrar: \(finding)") }
            throw failure(
                "rebuild refused: \(consequences.joined(separator: "; ")); the read models are the only record of the original "
                    + "events in this file. Keep a copy of the file and run \(verify); `registrar rebuild --force` rebuilds anyway. "
                    + "Nothing was changed"
            )
        }
        for finding in findings { printError("registrar: WARNING: \(finding)") }
        for consequence in consequences {
            printError(
                "registrar: WARNING: \(consequence), the only record of them in this file; keep a copy of the file and run "
                    + "\(verify) to find out what else changed"
            )
        }
        let bar = ProgressBar("rebuild")
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
            if !findings.isEmpty {
                printError(
                    "registrar: WARNING: rebuilt from a log that had lost or changed events the read models had folded (see "
                        + "above); the read models now show the log as it is"
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
