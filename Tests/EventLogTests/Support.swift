import EventLog
import Foundation
import TestScratch

/// The stores every conformance test runs against.
enum StoreKind: String, CaseIterable, Sendable {
    case memory
    case sqlite
}

/// A store of a kind, in a fresh temporary directory for SQLite.
struct StoreFixture {
    let store: any EventStore & SnapshotStore
    let directory: URL?

    init(_ kind: StoreKind) throws {
        switch kind {
        case .memory:
            store = InMemoryEventStore()
            directory = nil
        case .sqlite:
            let directory = try TemporaryDirectory.make()
            store = try SQLiteEventStore(path: directory.appendingPathComponent("log.sqlite").path)
            self.directory = directory
        }
    }
}

enum TemporaryDirectory {
    static func make() throws -> URL { try ScratchDirectory.make("registrar-tests") }
}

func metadata(requestId: String? = nil, actor: String = "candidate-1", at instant: String = "2026-01-10T08:00:00.000Z") -> EventMetadata {
    EventMetadata(actorId: actor, role: "candidate", channel: "web", requestId: requestId, correlationId: "corr-1", recordedAt: instant)
}

func event(_ type: String = "SomethingHappened", _ fields: [String: String] = ["note": "测试"]) -> ProposedEvent {
    ProposedEvent(type: type, schemaVersion: 1, data: try! CanonicalJSON.encode(fields))
}

func request(
    _ stream: String,
    expected: ExpectedVersion = .any,
    events: [ProposedEvent] = [event()],
    requestId: String? = nil,
    claims: [String] = [],
    at instant: String = "2026-01-10T08:00:00.000Z"
) -> AppendRequest {
    AppendRequest(streamId: stream, expectedVersion: expected, events: events, metadata: metadata(requestId: requestId, at: instant), claims: claims)
}

/// Finds a program on PATH, or nil.
func which(_ program: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let candidate = "\(directory)/\(program)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Runs a program to completion, returning its exit status and standard output.
@discardableResult
func run(_ program: String, _ arguments: [String], input: Data? = nil) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    let inputPipe = Pipe()
    if input != nil { process.standardInput = inputPipe }
    try launch(process)
    if let input {
        inputPipe.fileHandleForWriting.write(input)
        try inputPipe.fileHandleForWriting.close()
    }
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}
