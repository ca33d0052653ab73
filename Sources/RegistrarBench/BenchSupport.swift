import Foundation
import GRDBSQLite

/// A failure of the benchmark harness itself (not of the code under test).
public struct BenchError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    init(_ description: String) { self.description = description }
}

/// Latency percentiles of one operation, in microseconds.
public struct Latency: Sendable, Equatable {
    /// Median.
    public var p50: Double
    /// 99th percentile.
    public var p99: Double
    /// Number of samples.
    public var samples: Int

    /// Summarises samples given in seconds.
    init(seconds: [Double]) {
        let sorted = seconds.sorted()
        func at(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[Int((fraction * Double(sorted.count - 1)).rounded())] * 1e6
        }
        p50 = at(0.50)
        p99 = at(0.99)
        samples = sorted.count
    }
}

/// The machine the figures were measured on.
public struct MachineFacts: Sendable, Equatable {
    /// Active processor count.
    public var cores: Int
    /// CPU model name from /proc/cpuinfo, when readable.
    public var cpuModel: String
    /// The linked SQLite library's version.
    public var sqliteVersion: String
    /// The one-minute load average when the benchmark started (other work on the machine skews the figures).
    public var loadAverageAtStart: Double?
    /// The one-minute load average when the benchmark ended.
    public var loadAverageAtEnd: Double?

    static func current() -> MachineFacts {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        return MachineFacts(
            cores: ProcessInfo.processInfo.activeProcessorCount,
            cpuModel: model,
            sqliteVersion: String(cString: sqlite3_libversion()),
            loadAverageAtStart: loadAverage()
        )
    }

    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { Double($0) }
    }
}

/// Wall-clock timing on the monotonic clock.
enum Stopwatch {
    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Runs `body` and returns its result and the elapsed seconds.
    static func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let result = try body()
        return (result, seconds(ContinuousClock.now - start))
    }

    /// Runs `body` and returns its result and the elapsed seconds.
    static func time<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let result = try await body()
        return (result, seconds(ContinuousClock.now - start))
    }
}

/// The median of a non-empty list.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Number formatting for the tables.
enum Figures {
    /// `12,345` style grouping, whole numbers.
    static func count(_ value: Double) -> String {
        let rounded = Int(value.rounded())
        let digits = String(abs(rounded))
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (rounded < 0 ? "-" : "") + grouped
    }

    /// A rate in events per second.
    static func rate(_ value: Double) -> String { "\(count(value)) ev/s" }

    /// A latency pair in microseconds or milliseconds.
    static func latency(_ latency: Latency) -> String {
        func one(_ microseconds: Double) -> String {
            microseconds >= 1000 ? String(format: "%.2f ms", microseconds / 1000) : String(format: "%.0f µs", microseconds)
        }
        return "\(one(latency.p50)) / \(one(latency.p99))"
    }

    /// A ratio such as `0.93×`.
    static func ratio(_ value: Double) -> String { String(format: value >= 10 ? "%.1f×" : "%.2f×", value) }
}

/// A plain-text table with left-aligned columns (counts characters, so CJK-free cells line up).
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    func render() -> String {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            .joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }
}
