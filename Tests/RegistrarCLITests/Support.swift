import Foundation
import Synchronization
import TestScratch
import Testing

/// The `registrar` binary built beside the test bundle (`swift build --build-tests` builds it).
func registrarBinary() throws -> String {
    let testBinaryDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var candidates = [testBinaryDirectory.appendingPathComponent("registrar").path]
    // When run through an .xctest bundle directory, the products sit one or more levels up.
    var directory = testBinaryDirectory
    for _ in 0..<4 {
        directory = directory.deletingLastPathComponent()
        candidates.append(directory.appendingPathComponent("registrar").path)
    }
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(packageRoot.appendingPathComponent(".build/debug/registrar").path)
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw TestSetupError("registrar binary not found; build with `swift build --build-tests` (looked in \(candidates))")
    }
    return found
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func makeTemporaryDirectory() throws -> URL {
    try ScratchDirectory.make("registrar-cli")
}

func which(_ program: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let candidate = "\(directory)/\(program)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Runs a program to completion.
@discardableResult
func run(_ program: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    // A pipe only when there is something to send: every other child inherits the test's standard input, as before
    // (a pipe per child doubles the descriptors Foundation's `Process.run()` juggles while other children start).
    let standardInput = input.map { _ in Pipe() }
    if let standardInput { process.standardInput = standardInput }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try launch(process)
    if let input, let standardInput {
        standardInput.fileHandleForWriting.write(Data(input.utf8))
        try standardInput.fileHandleForWriting.close()
    }
    // Drain stderr on another thread while reading stdout, so a chatty child cannot block on a full pipe.
    let errorData = ErrorBox()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { errorData.data = error.fileHandleForReading.readDataToEndOfFile() }
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errorData.data, as: UTF8.self))
}

private final class ErrorBox: @unchecked Sendable {
    // Written by one reader thread, read after the DispatchGroup wait.
    var data = Data()
}

/// Runs `registrar` with arguments.
@discardableResult
func registrar(_ arguments: String...) throws -> (status: Int32, output: String, error: String) {
    try run(try registrarBinary(), arguments)
}

/// Runs SQL through the sqlite3 shell, as an attacker with file access would.
@discardableResult
func sqliteShell(_ path: String, _ sql: String) throws -> String {
    let shell = try #require(which("sqlite3"), "the sqlite3 shell is installed by the Makefile")
    let result = try run(shell, [path, sql])
    #expect(result.status == 0, "sqlite3 failed: \(result.error)")
    return result.output
}

/// Demo seasons played once per test process (by candidates and seed), each call getting a copy of its own.
private let playedDemos = Mutex<[String: String]>([:])

/// The path of a fresh copy of a demo season's log (no read models installed).
func demoCopy(candidates: Int = 12, seed: Int = 5) throws -> String {
    let key = "\(candidates)-\(seed)"
    let original = try playedDemos.withLock { played -> String in
        if let path = played[key] { return path }
        let path = try makeTemporaryDirectory().appendingPathComponent("demo.sqlite").path
        let demo = try registrar("demo", "--db", path, "--candidates", "\(candidates)", "--seed", "\(seed)")
        guard demo.status == 0 else { throw TestSetupError("demo failed: \(demo.error)") }
        played[key] = path
        return path
    }
    let copy = try makeTemporaryDirectory().appendingPathComponent("demo.sqlite").path
    for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: original + suffix) {
        try FileManager.default.copyItem(atPath: original + suffix, toPath: copy + suffix)
    }
    return copy
}

/// The names of the tables in a SQLite file, through the sqlite3 shell.
func tableNames(_ path: String) throws -> [String] {
    try sqliteQuery(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
}

/// The rows of a query through the sqlite3 shell, one string a row.
func sqliteQuery(_ path: String, _ sql: String) throws -> [String] {
    guard let shell = which("sqlite3") else { throw TestSetupError("the sqlite3 shell is installed by the Makefile") }
    return try run(shell, [path, sql]).output.split(separator: "\n").map(String.init)
}
