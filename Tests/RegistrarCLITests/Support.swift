import Foundation
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
func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
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
func sqliteShell(_ path: String, _ sql: String) throws {
    let shell = try #require(which("sqlite3"), "the sqlite3 shell is installed by the Makefile")
    let result = try run(shell, [path, sql])
    #expect(result.status == 0, "sqlite3 failed: \(result.error)")
}
