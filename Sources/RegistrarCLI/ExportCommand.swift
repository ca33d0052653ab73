import ArgumentParser
import EventLog
import Foundation

/// `registrar export`: the whole log as zstd-compressed JSON Lines.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole log as zstd-compressed JSON Lines (one event per line, exact stored bytes and hashes)."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "File to write (conventionally *.jsonl.zst).")
    var out: String

    func run() async throws {
        let store = try database.open(readOnly: true)
        let bar = ProgressBar("export")
        do {
            let count = try await store.export(to: URL(fileURLWithPath: out), progress: bar.reporter)
            bar.finish()
            print("exported \(count) events to \(out)")
        } catch {
            bar.finish()
            throw failure("export failed: \(error)")
        }
    }
}
