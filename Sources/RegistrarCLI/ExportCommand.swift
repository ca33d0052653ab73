import ArgumentParser
import EventLog
import Foundation
import Projections

/// `registrar export`: the whole log as zstd-compressed JSON Lines.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole log as zstd-compressed JSON Lines (one event per line, exact stored bytes and hashes).",
        discussion: """
            The file is written beside --out under a temporary name and renamed once complete: a failed export leaves \
            nothing behind. --out must not be the log itself (nor its -wal or -shm file). The hash chain is verified as \
            the events are written, and the read models' checkpoints are compared with the log's end: a log whose chain \
            is broken, or that lost events its read models had folded, is refused (exit 2, nothing written), so that a \
            backup of a tampered log is never presented as a good one.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "File to write (conventionally *.jsonl.zst); must not exist unless --force is given.")
    var out: String

    @Flag(name: .long, help: "Replace the file at --out if there is one (never the log's own files).")
    var force = false

    func validate() throws {
        guard !out.isEmpty else { throw ValidationError("--out must name a file to write") }
    }

    func run() async throws {
        let store = try database.open(readOnly: true)
        // A chain that verifies may still have lost its last events: the read models remember how far they folded.
        let logProblems: [ProjectionError]
        do {
            logProblems = try ProjectionEngine(store: store).logProblems()
        } catch {
            throw failure("export failed: \(error)")
        }
        if let problem = logProblems.first {
            throw failure("export refused: \(problem.description(database: database.db)); nothing was written")
        }
        let bar = ProgressBar("export")
        do {
            let count = try await store.export(to: URL(fileURLWithPath: out), replacing: force, progress: bar.reporter)
            bar.finish()
            print("exported \(count) events to \(out)")
        } catch ExportRefusal.exists {
            bar.finish()
            throw failure("--out \(out) already exists; nothing was written (add --force to replace it)")
        } catch let refusal as ExportRefusal where refusal.isBrokenChain {
            bar.finish()
            throw failure("export refused: \(refusal)")
        } catch let refusal as ExportRefusal {
            bar.finish()
            throw failure("--out refused: \(refusal)")
        } catch {
            bar.finish()
            throw failure("export failed: \(error)")
        }
    }
}

extension ExportRefusal {
    /// The log itself does not verify (rather than the target being refused).
    var isBrokenChain: Bool {
        if case .brokenChain = self { return true }
        return false
    }
}
