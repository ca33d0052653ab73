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

    private static let sink = LogSink(fileDescriptor: 2)

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

    // A struct rather than a (key, value) tuple: generic code over tuples looks their type metadata up at run time,
    // on every line.
    private struct Field {
        var key: String
        var value: String
    }

    public func log(event: LogEvent) {
        Self.sink.write(line(level: event.level, message: event.message, metadata: event.metadata), immediately: event.level >= .warning)
    }

    /// The JSON line of a log event, newline included.
    func line(level: Logger.Level, message: Logger.Message, metadata eventMetadata: Logger.Metadata?) -> [UInt8] {
        // Later sources win: the handler's metadata, the provider's, then the event's own.
        var fields = [Field]()
        fields.reserveCapacity(metadata.count + (eventMetadata?.count ?? 0) + 4)
        for (key, value) in metadata { fields.append(Field(key: key, value: Self.text(value))) }
        if let provided = metadataProvider?.get() {
            for (key, value) in provided { fields.append(Field(key: key, value: Self.text(value))) }
        }
        if let own = eventMetadata { for (key, value) in own { fields.append(Field(key: key, value: Self.text(value))) } }
        // Formatted by hand: Foundation's ISO-8601 formatter and a JSONEncoder per line cost more than the request.
        fields.append(Field(key: "ts", value: Instant.string(from: Date())))
        fields.append(Field(key: "level", value: level.rawValue))
        fields.append(Field(key: "label", value: label))
        fields.append(Field(key: "message", value: "\(message)"))
        // Keys in order; of equal keys the last added, i.e. the latest source.
        var order = Array(fields.indices)
        order.sort { fields[$0].key == fields[$1].key ? $0 < $1 : fields[$0].key < fields[$1].key }
        var line = [UInt8]()
        line.reserveCapacity(256)
        line.append(UInt8(ascii: "{"))
        var first = true
        for (rank, index) in order.enumerated() {
            if rank + 1 < order.count, fields[order[rank + 1]].key == fields[index].key { continue }
            if !first { line.append(UInt8(ascii: ",")) }
            first = false
            Self.appendJSONString(fields[index].key, to: &line)
            line.append(UInt8(ascii: ":"))
            Self.appendJSONString(fields[index].value, to: &line)
        }
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    /// Writes every buffered line now (at shutdown; lines of level warning and above are never held back).
    public static func flush() { sink.flush() }

    private static func text(_ value: Logger.Metadata.Value) -> String {
        if case .string(let string) = value { return string }
        return "\(value)"
    }

    /// Appends `value` as a JSON string literal, as UTF-8 (quotes, backslashes and control characters escaped).
    static func appendJSONString(_ value: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): line.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): line.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): line.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): line.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): line.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                line.append(contentsOf: #"\u00"#.utf8)
                line.append(hex[Int(byte >> 4)])
                line.append(hex[Int(byte & 0xf)])
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }

    /// Appends `value` as a JSON string literal (quotes, backslashes and control characters escaped).
    static func appendJSONString(_ value: String, to line: inout String) {
        var bytes = [UInt8]()
        appendJSONString(value, to: &bytes)
        line += String(decoding: bytes, as: UTF8.self)
    }
}

/// Log lines on their way to a file descriptor: appended to a buffer under a lock and written by a flusher thread
/// every 50 ms, or at once by the writer when the buffer passes 64 KB or the line is a warning or worse.
///
/// One `write(2)` per request line under a process-wide lock cost ~40 µs of CPU per request and serialised the
/// event-loop threads; batched, the lines cost a few µs. A crash loses at most the last 50 ms of request lines,
/// never an event (the log's durability does not depend on them).
final class LogSink: Sendable {
    private let fileDescriptor: Int32
    private let pending = Mutex<[UInt8]>([])
    // Held while writing, so that a writer flushing a full buffer and the flusher thread keep lines in order.
    private let output = Mutex<Void>(())
    private static let flushBytes = 64 * 1024

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.05)
                flush()
            }
        }
        thread.name = "log-flusher"
        thread.start()
    }

    func write(_ line: [UInt8], immediately: Bool) {
        let full = pending.withLock { buffer in
            buffer.append(contentsOf: line)
            return buffer.count >= Self.flushBytes
        }
        if full || immediately { flush() }
    }

    func flush() {
        output.withLock { _ in
            let bytes = pending.withLock { buffer -> [UInt8] in
                defer { buffer.removeAll(keepingCapacity: true) }
                return buffer
            }
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Foundation.write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return  // Nowhere to report a failed log write; the request itself is unaffected.
                    }
                    offset += written
                }
            }
        }
    }
}
