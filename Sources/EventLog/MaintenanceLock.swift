import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock`) on a file beside a database, `<database>-maintenance.lock`, for the operator
/// commands that must not run twice at once on one file: a rebuild (two would fill and swap the same shadow tables)
/// and an import (two would fill the same new log, and the refused one remove it).
///
/// The kernel releases the lock when the process ends, `kill -9` included, so an interrupted command never leaves
/// the file locked. The lock file itself stays (empty); it is not part of the log.
public final class MaintenanceLock: @unchecked Sendable {
    private var descriptor: Int32
    /// The lock file.
    public let path: String

    /// The lock file of a database: beside the file the path leads to, whatever the path (relative, or through a
    /// symbolic link), so that every path to one database shares one lock.
    public static func lockPath(forDatabase databasePath: String) -> String {
        URL(fileURLWithPath: databasePath).resolvingSymlinksInPath().path + "-maintenance.lock"
    }

    /// Takes the lock of the database at `databasePath`, or returns nil when another process (or another holder in
    /// this one) has it. Throws when the lock file cannot be opened.
    public init?(databasePath: String) throws {
        path = Self.lockPath(forDatabase: databasePath)
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw EventLogError.storage("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
    }

    /// Releases the lock (also done when the lock is deallocated).
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
