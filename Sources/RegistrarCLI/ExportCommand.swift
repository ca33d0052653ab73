import ArgumentParser
import EventLog
import Foundation

/// `registrar export`: the whole log as zstd-compressed JSON Lines.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole log as zstd-compressed JSON Lines (one event per line, exact stored bytes and hashes).",
        discussion: """
            The file is written beside --out under a temporary name and renamed once complete: a failed export leaves \
            nothing behind. --out must not be the log itself (nor its -wal or -shm file).
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
        let bar = ProgressBar("export")
        do {
            let count = try await store.export(to: URL(fileURLWithPath: out), replacing: force, progress: bar.reporter)
            bar.finish()
            print("exported \(count) events to \(out)")
        } catch ExportRefusal.exists {
            bar.finish()
            throw failure("--out \(out) already exists; nothing was written (add --force to replace it)")
        } catch let refusal as ExportRefusal {
            bar.finish()
            throw failure("--out refused: \(refusal)")
        } catch {
            bar.finish()
            throw failure("export failed: \(error)")
        }
    }
}
