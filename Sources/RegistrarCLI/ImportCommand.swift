import ArgumentParser
import EventLog
import Foundation

/// `registrar import`: loads an export into an empty log, verifying the chain as it goes.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load an export into an empty log, verifying every hash; all or nothing."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("in"), help: "Export file to read.")
    var input: String

    func run() async throws {
        guard FileManager.default.fileExists(atPath: input) else { throw failure("no file at \(input)") }
        let store = try database.openOrCreate(for: "import").store
        let bar = ProgressBar("import")
        do {
            let count = try await store.importLog(from: URL(fileURLWithPath: input), progress: bar.reporter)
            bar.finish()
            print("imported \(count) events; chain verified")
        } catch {
            bar.finish()
            throw failure("import refused: \(error)")
        }
    }
}
