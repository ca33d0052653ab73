import ArgumentParser
import EventLog
import Foundation
import RegistrarApp

/// `registrar verify`: recomputes the hash chain and checks the log's guarantees.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Check the hash chain, the append-only triggers, the claims, that every event decodes, and that every snapshot plus its tail equals a full replay.",
        discussion: "Exit status 0 when everything is intact; 1 when something is not, naming the first bad position; 2 on error."
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let store = try database.open(readOnly: true)
        let bar = ProgressBar("verify")
        var report: VerificationReport
        do {
            report = try await store.verify(progress: bar.reporter)
            let maintenance = Maintenance(store: store)
            report.problems += try await maintenance.undecodableEvents()
            report.problems += try await maintenance.snapshotMismatches()
        } catch {
            bar.finish()
            throw failure("verify failed: \(error)")
        }
        bar.finish()
        if report.isIntact {
            print("intact: \(report.eventsChecked) events, \(report.snapshotsChecked) snapshots; head hash \(report.headHash.hexString)")
            return
        }
        if let position = report.firstBadPosition { print("first bad position: \(position)") }
        for problem in report.problems { print("NOT INTACT: \(problem)") }
        throw ExitCode(1)
    }
}
