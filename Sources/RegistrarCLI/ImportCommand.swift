import ArgumentParser
import EventLog
import Foundation
import RegistrarApp

/// `registrar import`: loads an export into an empty log, verifying the chain as it goes.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load an export into an empty log, verifying every hash; all or nothing.",
        discussion: "A --db file that the import creates is removed again when the import is refused."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("in"), help: "Export file to read (zstd-compressed JSON Lines, as `registrar export` writes).")
    var input: String

    /// The four bytes every zstd frame starts with.
    static let zstdMagic = Data([0x28, 0xB5, 0x2F, 0xFD])

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("--in must name an export file") }
    }

    func run() async throws {
        // The input is checked before the database file is created or touched.
        guard FileManager.default.fileExists(atPath: input) else { throw failure("--in \(input): no such file") }
        guard let handle = FileHandle(forReadingAtPath: input) else { throw failure("--in \(input): cannot be read") }
        let head = try? handle.read(upToCount: 4)
        try? handle.close()
        guard head == Self.zstdMagic else {
            throw failure("--in \(input) is not a zstd file (an export is zstd-compressed JSON Lines, as `registrar export` writes)")
        }
        // Two imports into one new file would both find it missing, and the refused one would remove the file the other
        // filled: the second is refused before it looks.
        let lock: MaintenanceLock?
        do {
            lock = try MaintenanceLock(databasePath: database.db)
        } catch {
            throw failure("\(error)")
        }
        guard let lock else {
            throw failure(
                "another import or rebuild is running on \(database.db) (it holds \(MaintenanceLock.lockPath(forDatabase: database.db))); nothing was changed"
            )
        }
        defer { lock.release() }
        let (store, created) = try database.openOrCreate(for: "import")
        let bar = ProgressBar("import")
        let count: Int64
        do {
            // What `verify` decodes, by the stream's kind (a log may hold streams of other kinds, which it leaves).
            count = try await store.importLog(from: URL(fileURLWithPath: input), progress: bar.reporter) { position, stream, type, version, data in
                try Maintenance.checkDecodes(position: position, streamId: stream, type: type, schemaVersion: version, data: data)
            }
        } catch {
            bar.finish()
            if created { database.removeCreatedFile() }
            throw failure("import refused: \(error)" + (created ? " (\(database.db), which the import created, was removed)" : ""))
        }
        bar.finish()
        print("imported \(count) events; chain verified")
    }
}
