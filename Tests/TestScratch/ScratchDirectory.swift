import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Fresh directories for a test's files under the system's temporary directory, removed with everything in them when
/// the test process exits, so that test runs leave nothing behind.
///
/// Removed at exit rather than when a fixture goes: Swift may release a fixture after its last use while connections
/// it opened still use its files (a database pool opens readers on demand).
public enum ScratchDirectory {
    private static let made = Mutex<[URL]>([])

    /// Creates `<temporary directory>/<prefix>-<UUID>`.
    public static func make(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        made.withLock { urls in
            if urls.isEmpty { atexit { ScratchDirectory.removeAll() } }
            urls.append(url)
        }
        return url
    }

    /// Removes every directory made so far (at exit).
    static func removeAll() {
        for url in made.withLock({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }
}

/// Starts a child process, one launch at a time across the whole test process: Foundation's `Process.run()` on
/// Linux is not safe to call from several threads at once (swift-corelibs-foundation issues 4772, 4795, 4810), and
/// the suites run in parallel. Waiting for the children stays concurrent.
public func launch(_ process: Process) throws {
    try processLaunches.withLock { _ in try process.run() }
}

private let processLaunches = Mutex<Void>(())
