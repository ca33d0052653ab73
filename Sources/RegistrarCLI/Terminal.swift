import EventLog
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A one-line progress bar with rate and ETA on standard error, drawn only when standard error is a terminal.
final class ProgressBar: Sendable {
    private let label: String
    private let enabled: Bool
    private let started = ContinuousClock.now
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(_ label: String) {
        self.label = label
        enabled = isatty(STDERR_FILENO) == 1
    }

    /// The reporter to hand to long-running work.
    var reporter: ProgressReporter {
        { [self] done, total in update(done: done, total: total) }
    }

    func update(done: Int64, total: Int64) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let due = lastDraw.withLock { last -> Bool in
            if let last, now - last < .milliseconds(100), done < total { return false }
            last = now
            return true
        }
        guard due else { return }
        let elapsed = max(Double((now - started).components.attoseconds) / 1e18 + Double((now - started).components.seconds), 1e-9)
        let rate = Double(done) / elapsed
        var line = "\(label) \(done)"
        if total > 0 {
            let fraction = min(Double(done) / Double(total), 1)
            let width = 30
            let filled = Int(fraction * Double(width))
            let remaining = rate > 0 ? Double(total - done) / rate : 0
            line += "/\(total) [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
            line += String(format: " %3.0f%% %.0f/s ETA %.0fs", fraction * 100, rate, remaining)
        } else {
            line += String(format: " %.0f/s", rate)
        }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }

    /// Ends the bar's line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
