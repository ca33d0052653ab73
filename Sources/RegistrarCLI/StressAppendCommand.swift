import ArgumentParser
import EventLog
import Foundation

/// `registrar stress-append`: appends in a loop and prints each acknowledged position, for crash tests.
struct StressAppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress-append",
        abstract: "Append events in a loop, printing 'ack <position>' after each durable commit (crash tests).",
        shouldDisplay: false
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "Stop after this many appends (0: until killed).")
    var count = 0

    @Option(name: .long, help: "Concurrent appenders.")
    var concurrency = 4

    func run() async throws {
        let store = try database.openOrCreate(for: "stress-append").store
        let limit = count
        let workers = max(1, concurrency)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var index = 0
                    while limit == 0 || index * workers + worker < limit {
                        let data = try CanonicalJSON.encode(["worker": "\(worker)", "index": "\(index)", "note": "崩溃测试"])
                        let result = try await store.append(
                            AppendRequest(
                                streamId: "stress-\(worker)",
                                expectedVersion: .any,
                                events: [ProposedEvent(type: "StressEventAppended", schemaVersion: 1, data: data)],
                                metadata: EventMetadata(
                                    actorId: "stress",
                                    role: "system",
                                    channel: "cli",
                                    requestId: "stress-\(worker)-\(index)-\(UUID().uuidString)",
                                    recordedAt: Date().formatted(.iso8601)
                                )
                            )
                        )
                        // Printed only after the commit returned: every printed position is acknowledged.
                        FileHandle.standardOutput.write(Data("ack \(result.lastPosition)\n".utf8))
                        index += 1
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
