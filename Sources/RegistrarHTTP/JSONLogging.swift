import Foundation
import Logging
import RegistrationDomain
import Synchronization

/// One JSON object per line on standard error: `ts`, `level`, `label`, `message` and the metadata (e.g.
/// `request_id`, `method`, `route`, `status`, `duration_ms`), for log shippers to parse.
///
/// The API logs route patterns and ids it made itself, never paths, queries, bodies or credentials, so no personal
/// data reaches the log.
public struct JSONLogHandler: LogHandler {
    /// The level below which nothing is written.
    public var logLevel: Logger.Level
    /// Metadata added to every line of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Where metadata comes from besides `metadata`.
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    private static let output = Mutex<Void>(())

    /// Creates a handler.
    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        self.logLevel = level
    }

    /// Makes every logger of the process write JSON lines at `level` (call once, at start-up).
    public static func bootstrap(level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        let merged = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged { fields[key] = "\(value)" }
        // Formatted by hand: Foundation's ISO-8601 formatter and a JSONEncoder per line cost more than the request.
        fields["ts"] = Instant.string(from: Date())
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = "\(event.message)"
        var line = "{"
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { line += "," }
            Self.appendJSONString(key, to: &line)
            line += ":"
            Self.appendJSONString(fields[key]!, to: &line)
        }
        line += "}\n"
        Self.output.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Appends `value` as a JSON string literal (quotes, backslashes and control characters escaped).
    static func appendJSONString(_ value: String, to line: inout String) {
        line += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}
