import ArgumentParser
import EventLog
import Foundation
import RegistrarApp

/// `registrar record-event-samples`: writes the golden sample of every event type that has none yet.
struct RecordEventSamplesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record-event-samples",
        abstract: "Write events/<Type>.v<N>.json for every event type and version found in a log that has no sample yet (never overwrites).",
        shouldDisplay: false
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "The event catalog folder.")
    var dir = "events"

    func run() async throws {
        let store = try database.open(readOnly: true)
        let folder = URL(fileURLWithPath: dir)
        var written = [String]()
        var seen = Set<String>()
        var position: Int64 = 0
        while true {
            let batch = try await store.readAll(after: position, limit: 5_000)
            guard let last = batch.last else { break }
            for event in batch where seen.insert("\(event.type).v\(event.schemaVersion)").inserted {
                guard EventCatalog.currentVersions[event.type] == event.schemaVersion else { continue }
                let file = folder.appendingPathComponent("\(event.type).v\(event.schemaVersion).json")
                if FileManager.default.fileExists(atPath: file.path) { continue }
                // Today's encoder's bytes, which the catalog test compares against.
                let payload = try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, data: event.data)
                try (EventCatalog.encode(payload) + Data("\n".utf8)).write(to: file)
                written.append(file.lastPathComponent)
            }
            position = last.position
        }
        let missing = EventCatalog.currentVersions.filter { type, version in
            !FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(type).v\(version).json").path)
        }
        print("wrote \(written.count) samples\(written.isEmpty ? "" : ": " + written.sorted().joined(separator: ", "))")
        if !missing.isEmpty { print("still without a sample: \(missing.keys.sorted().joined(separator: ", "))") }
    }
}
