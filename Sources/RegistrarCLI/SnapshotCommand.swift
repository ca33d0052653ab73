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

    @Option(name: .long, help: "Dictionary size in bytes.")
    var dictionarySize = 32 * 1024

    func run() async throws {
        let store = try database.open()
        do {
            let bar = ProgressBar("snapshot")
            let written = try await Maintenance(store: store).snapshotAllStreams(progress: bar.reporter)
            bar.finish()
            print("wrote \(written) snapshots")
            if trainDictionary {
                let report = try await store.trainSnapshotDictionary(capacity: dictionarySize)
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
