import ArgumentParser
import EventLog
import Foundation
import RegistrarApp

/// `registrar snapshot`: snapshot statistics, and training of the zstd dictionary.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Write a fresh snapshot of every stream; with --train-dictionary, then train a zstd dictionary from them and recompress them."
    )

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .long, help: "Train a zstd dictionary (ZDICT) from the stored snapshots and recompress every snapshot with it.")
    var trainDictionary = false

    @Option(
        name: .long,
        help:
            "With --train-dictionary: the dictionary's largest size in bytes, \(Self.dictionarySizes.lowerBound) to \(Self.dictionarySizes.upperBound) (default 32768)."
    )
    var dictionarySize: Int?

    /// The dictionary sizes accepted: zstd's trainer needs at least 256 bytes (ZDICT_DICTSIZE_MIN); a dictionary of
    /// snapshots a few kilobytes each gains nothing past a few hundred kilobytes, and 16 MiB keeps the buffer sane.
    static let dictionarySizes = 256...(16 * 1024 * 1024)

    func validate() throws {
        guard let dictionarySize else { return }
        guard trainDictionary else { throw ValidationError("--dictionary-size needs --train-dictionary (it sizes the trained dictionary)") }
        guard Self.dictionarySizes.contains(dictionarySize) else {
            throw ValidationError(
                "--dictionary-size must be between \(Self.dictionarySizes.lowerBound) and \(Self.dictionarySizes.upperBound) bytes (zstd's trainer needs at least 256)"
            )
        }
    }

    func run() async throws {
        let store = try database.open()
        do {
            let bar = ProgressBar("snapshot")
            let written = try await Maintenance(store: store).snapshotAllStreams(progress: bar.reporter)
            bar.finish()
            print("wrote \(written) snapshots")
            if trainDictionary {
                let report = try await store.trainSnapshotDictionary(capacity: dictionarySize ?? 32 * 1024)
                print(
                    "trained dictionary \(report.dictionaryId) (\(report.dictionaryBytes) bytes) from \(report.sampleCount) snapshots: "
                        + "\(report.rawBytes) raw bytes, \(report.compressedBytesBefore) → \(report.compressedBytesAfter) stored bytes"
                )
            }
            let statistics = try await store.snapshotStatistics()
            let ratio = statistics.storedBytes > 0 ? Double(statistics.rawBytes) / Double(statistics.storedBytes) : 0
            print(
                "\(statistics.count) snapshots, \(statistics.rawBytes) raw bytes, \(statistics.storedBytes) stored bytes "
                    + String(format: "(%.2f×)", ratio) + ", \(statistics.withDictionary) with a dictionary; current dictionary: "
                    + (statistics.currentDictionaryId.map(String.init) ?? "none")
            )
        } catch {
            throw failure("snapshot failed: \(error)")
        }
    }
}
