import EventLog
import Foundation

/// The JSON documents the read models store (candidate view, review file): sorted keys, slashes unescaped, exactly
/// the bytes `JSONEncoder` writes with those options (a test compares both on every document of a demo season), from
/// ``FastJSONEncoder``: `JSONEncoder` cost ~200 µs per 2.7 KB document, on every append and in every rebuild.
enum DocumentEncoder {
    private static let encoder = FastJSONEncoder(formatting: [.sortedKeys, .withoutEscapingSlashes])

    /// The document as a string.
    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
