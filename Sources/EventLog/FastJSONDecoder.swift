import Foundation

/// A faster drop-in replacement for Foundation's `JSONDecoder` with its default strategies, for UTF-8 JSON.
///
/// The input is scanned once into a flat tape of tokens (kind, byte range, subtree end, child count) without
/// allocating per string; values are materialised only when a `Decodable` asks for them, and keyed containers
/// find their keys by comparing UTF-8 bytes in place. Results and error cases follow `JSONDecoder`:
///
/// - Like `JSONDecoder`, structure (brackets, commas, colons, literals, string ends) is checked for the whole
///   document up front, while a string's escapes and UTF-8 and a number's syntax are checked when the value is
///   decoded, so a malformed value that nothing reads does not make the decode fail. Keys of an object decoded
///   through a keyed container are always checked.
/// - A repeated key resolves to its first occurrence; trailing commas before `]` and `}` are accepted.
/// - `Date` decodes as seconds since the reference date, `Data` from base64, `URL` from a string, `Decimal` from a
///   number (through `JSONDecoder` for that one value).
/// - Input in UTF-16 or UTF-32 (detected as `JSONDecoder` does, by NUL bytes or a byte order mark) is handed to
///   `JSONDecoder`.
/// - Errors are `DecodingError` of the same case as `JSONDecoder`'s; for numbers that do not fit, the coding path
///   names the value (`JSONDecoder` reports an empty path), and `Dictionary<Int, _>` decodes keys in document order.
///
/// A `Decoder` handed to `init(from:)` must not be kept after `decode` returns.
public struct FastJSONDecoder: Sendable {
    /// Creates a decoder; it has no options, its behaviour is `JSONDecoder`'s with default strategies.
    public init() {}

    /// Decodes a value of the given type from UTF-8 JSON data.
    ///
    /// - Throws: `DecodingError` as `JSONDecoder` would: `dataCorrupted` for malformed JSON, `keyNotFound`,
    ///   `typeMismatch` or `valueNotFound` when the JSON does not have the type's shape.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { try decode(type, from: $0) }
    }

    /// Decodes a value of the given type from UTF-8 JSON bytes, which need only stay valid during the call.
    ///
    /// - Throws: `DecodingError` as `JSONDecoder` would.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), !bytes.isEmpty else {
            throw Self.invalidJSON("The given data was not valid JSON.", offset: 0)
        }
        let count = bytes.count
        guard let start = Self.utf8Start(base, count: count) else { return try JSONDecoder().decode(type, from: Data(bytes)) }

        let storage = try Self.tape(base: base, start: start, end: count)
        var path = [PathComponent]()
        path.reserveCapacity(8)
        let impl = Impl(storage: storage, base: base, top: 0, path: path)
        return try impl.unwrap(type, at: 0, depth: 0, suffix: [], key: nil)
    }

    /// Where the UTF-8 JSON starts (after a byte order mark); nil for input this decoder hands to `JSONDecoder`:
    /// UTF-16 or UTF-32 (detected as `JSONDecoder` does, by NUL bytes or a byte order mark) and over 2 GB.
    fileprivate static func utf8Start(_ base: UnsafePointer<UInt8>, count: Int) -> Int? {
        guard count < Int(Int32.max) else { return nil }
        guard count >= 2 else { return 0 }
        let (b0, b1) = (base[0], base[1])
        if b0 == 0 || b1 == 0 || (b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE) { return nil }
        return count >= 3 && b0 == 0xEF && b1 == 0xBB && base[2] == 0xBF ? 3 : 0
    }

    /// Parses `base[start..<end]` into a token tape; malformed JSON is `JSONDecoder`'s `dataCorrupted` error.
    fileprivate static func tape(
        base: UnsafePointer<UInt8>,
        start: Int,
        end: Int,
        trailingCommas: Bool = true
    ) throws(DecodingError) -> TapeStorage {
        let storage = TapeStorage(capacity: max(16, (end - start) / 6))
        var parser = Parser(base: base, start: start, end: end, storage: storage)
        parser.trailingCommas = trailingCommas
        do {
            try parser.parseDocument()
        } catch {
            throw invalidJSON(error.message, offset: error.offset)
        }
        return storage
    }

    fileprivate static func invalidJSON(_ message: String, offset: Int) -> DecodingError {
        .dataCorrupted(
            DecodingError.Context(
                codingPath: [],
                debugDescription: "The given data was not valid JSON.",
                underlyingError: ParseError(message: message, offset: offset)
            )
        )
    }
}

// MARK: - Tape

extension FastJSONDecoder {
    fileprivate enum Kind: UInt8 {
        case null
        case falseValue
        case trueValue
        case number
        case string
        case array
        case object

        var foundDescription: String {
            switch self {
            case .null: "null"
            case .falseValue, .trueValue: "bool"
            case .number: "number"
            case .string: "a string"
            case .array: "an array"
            case .object: "a dictionary"
            }
        }
    }

    /// One value or key. Strings and numbers: `start` and `payload` are the byte offset and length (a string's
    /// without its quotes). Arrays and objects: `payload` is the index of the first token after the subtree and
    /// `count` the number of elements or members; an object's children are key, value, key, value…
    fileprivate struct Token {
        var start: UInt32
        var payload: UInt32
        var count: UInt32
        var kind: Kind
        var flags: UInt8
    }

    fileprivate enum Flag {
        /// String: contains a backslash escape.
        static let escape: UInt8 = 1
        /// String: contains a byte ≥ 0x80.
        static let nonASCII: UInt8 = 2
        /// String: contains a control character, invalid unescaped.
        static let control: UInt8 = 4
        /// Number: an optional minus sign followed by digits only.
        static let plainInteger: UInt8 = 1
        /// Object: some key is not plain printable ASCII without escapes.
        static let complexKeys: UInt8 = 1
    }

    /// Owns the token buffer; the decoder objects share it.
    fileprivate final class TapeStorage {
        var tokens: UnsafeMutablePointer<Token>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            tokens = .allocate(capacity: capacity)
        }

        deinit { tokens.deallocate() }
    }

    fileprivate struct ParseError: Error, CustomStringConvertible {
        let message: String
        let offset: Int
        var description: String { "\(message) at byte offset \(offset)" }
    }
}

// MARK: - Parser

extension FastJSONDecoder {
    /// The position of the first byte from `start` that is not JSON whitespace (or `end`).
    @inline(__always)
    fileprivate static func skipWhitespace(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var at = start
        while at < end {
            switch base[at] {
            case 0x20, 0x0A, 0x0D, 0x09: at += 1
            default: return at
            }
        }
        return at
    }

    /// Skips a string's bytes eight at a time, up to the first quote, backslash or control byte (or byte ≥ 0x80 when
    /// `stoppingAtNonASCII`), or to where fewer than eight bytes are left: the byte at the result needs a look.
    @inline(__always)
    fileprivate static func skipStringBytes(_ base: UnsafePointer<UInt8>, from start: Int, end: Int, stoppingAtNonASCII: Bool) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var at = start
        while end - at >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + at).loadUnaligned(as: UInt64.self))
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            var mask = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)
            if stoppingAtNonASCII { mask |= word }
            mask &= highs
            if mask != 0 { return at + mask.trailingZeroBitCount >> 3 }
            at += 8
        }
        return at
    }
}

extension FastJSONDecoder {
    /// Scans the document once into the tape, checking structure; string and number contents are checked later.
    fileprivate struct Parser {
        let base: UnsafePointer<UInt8>
        let end: Int
        var pos: Int
        let storage: TapeStorage
        var tokens: UnsafeMutablePointer<Token>
        var count = 0
        var capacity: Int
        /// Whether `[1,]` and `{"a":1,}` are read, as `JSONDecoder` reads them (RFC 8259 does not allow them).
        var trailingCommas = true

        static let maxDepth = 512

        init(base: UnsafePointer<UInt8>, start: Int, end: Int, storage: TapeStorage) {
            self.base = base
            self.end = end
            self.pos = start
            self.storage = storage
            self.tokens = storage.tokens
            self.capacity = storage.capacity
        }

        mutating func parseDocument() throws(ParseError) {
            defer {
                storage.tokens = tokens
                storage.capacity = capacity
                storage.count = count
            }
            skipWhitespace()
            try parseValue(depth: 0)
            skipWhitespace()
            guard pos == end else { throw ParseError(message: "Unexpected character after the top-level value", offset: pos) }
            // A null token after the document stands for absent values (`superDecoder()` of a missing key).
            append(Token(start: 0, payload: 0, count: 0, kind: .null, flags: 0))
        }

        @inline(__always)
        mutating func append(_ token: Token) {
            if count == capacity { grow() }
            (tokens + count).initialize(to: token)
            count += 1
        }

        mutating func grow() {
            let newCapacity = capacity * 2
            let newTokens = UnsafeMutablePointer<Token>.allocate(capacity: newCapacity)
            newTokens.moveInitialize(from: tokens, count: count)
            tokens.deallocate()
            tokens = newTokens
            capacity = newCapacity
        }

        @inline(__always)
        mutating func skipWhitespace() { pos = FastJSONDecoder.skipWhitespace(base, from: pos, end: end) }

        mutating func parseValue(depth: Int) throws(ParseError) {
            guard pos < end else { throw ParseError(message: "Unexpected end of file", offset: pos) }
            switch base[pos] {
            case UInt8(ascii: "\""):
                try parseString()
            case UInt8(ascii: "{"):
                try parseObject(depth: depth + 1)
            case UInt8(ascii: "["):
                try parseArray(depth: depth + 1)
            case UInt8(ascii: "t"):
                try parseLiteral("true", kind: .trueValue)
            case UInt8(ascii: "f"):
                try parseLiteral("false", kind: .falseValue)
            case UInt8(ascii: "n"):
                try parseLiteral("null", kind: .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                parseNumber()
            default:
                throw ParseError(message: "Unexpected character '\(Unicode.Scalar(base[pos]))'", offset: pos)
            }
        }

        mutating func parseLiteral(_ literal: StaticString, kind: Kind) throws(ParseError) {
            let length = literal.utf8CodeUnitCount
            guard end - pos >= length, memcmp(base + pos, literal.utf8Start, length) == 0 else {
                throw ParseError(message: "Invalid literal, expected \(literal)", offset: pos)
            }
            append(Token(start: UInt32(pos), payload: UInt32(length), count: 0, kind: kind, flags: 0))
            pos += length
        }

        mutating func parseNumber() {
            let start = pos
            var plain = true
            var digits = 0
            if base[pos] == UInt8(ascii: "-") { pos += 1 }
            while pos < end {
                let byte = base[pos]
                if byte &- 0x30 < 10 {
                    digits += 1
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: "-")
                {
                    plain = false
                } else {
                    break
                }
                pos += 1
            }
            let flags = plain && digits > 0 ? Flag.plainInteger : 0
            append(Token(start: UInt32(start), payload: UInt32(pos - start), count: 0, kind: .number, flags: flags))
        }

        /// Finds the closing quote, eight bytes at a time where possible, noting escapes, non-ASCII and control bytes.
        @discardableResult
        mutating func parseString() throws(ParseError) -> UInt8 {
            pos += 1
            let start = pos
            var flags: UInt8 = 0
            while true {
                pos = FastJSONDecoder.skipStringBytes(base, from: pos, end: end, stoppingAtNonASCII: flags & Flag.nonASCII == 0)
                guard pos < end else { throw ParseError(message: "Unexpected end of file in a string", offset: pos) }
                let byte = base[pos]
                if byte == UInt8(ascii: "\"") {
                    break
                } else if byte == UInt8(ascii: "\\") {
                    flags |= Flag.escape
                    guard pos + 1 < end else { throw ParseError(message: "Unexpected end of file in a string", offset: pos) }
                    if base[pos + 1] == UInt8(ascii: "u") {
                        guard end - (pos + 2) >= 4 else { throw ParseError(message: "Unexpected end of file in a string", offset: pos) }
                        for offset in 2..<6 where base[pos + offset] == UInt8(ascii: "\"") {
                            throw ParseError(message: "Invalid hex digit sequence", offset: pos)
                        }
                        pos += 6
                    } else {
                        pos += 2
                    }
                } else if byte < 0x20 {
                    flags |= Flag.control
                    pos += 1
                } else if byte >= 0x80 {
                    flags |= Flag.nonASCII
                    pos += 1
                } else {
                    pos += 1
                }
            }
            append(Token(start: UInt32(start), payload: UInt32(pos - start), count: 0, kind: .string, flags: flags))
            pos += 1
            return flags
        }

        mutating func parseArray(depth: Int) throws(ParseError) {
            guard depth <= Self.maxDepth else { throw ParseError(message: "Too many nested arrays or dictionaries", offset: pos) }
            let index = count
            append(Token(start: UInt32(pos), payload: 0, count: 0, kind: .array, flags: 0))
            pos += 1
            var elements: UInt32 = 0
            skipWhitespace()
            if pos < end && base[pos] == UInt8(ascii: "]") {
                pos += 1
            } else {
                while true {
                    try parseValue(depth: depth)
                    elements += 1
                    skipWhitespace()
                    guard pos < end else { throw ParseError(message: "Unexpected end of file in an array", offset: pos) }
                    let byte = base[pos]
                    pos += 1
                    if byte == UInt8(ascii: "]") { break }
                    guard byte == UInt8(ascii: ",") else {
                        throw ParseError(message: "Expected ',' or ']' in an array", offset: pos - 1)
                    }
                    skipWhitespace()
                    // JSONDecoder accepts a trailing comma.
                    if pos < end && base[pos] == UInt8(ascii: "]") {
                        guard trailingCommas else { throw ParseError(message: "A trailing comma before ]", offset: pos) }
                        pos += 1
                        break
                    }
                }
            }
            tokens[index].payload = UInt32(count)
            tokens[index].count = elements
        }

        mutating func parseObject(depth: Int) throws(ParseError) {
            guard depth <= Self.maxDepth else { throw ParseError(message: "Too many nested arrays or dictionaries", offset: pos) }
            let index = count
            append(Token(start: UInt32(pos), payload: 0, count: 0, kind: .object, flags: 0))
            pos += 1
            var members: UInt32 = 0
            var objectFlags: UInt8 = 0
            skipWhitespace()
            if pos < end && base[pos] == UInt8(ascii: "}") {
                pos += 1
            } else {
                while true {
                    guard pos < end else { throw ParseError(message: "Unexpected end of file in an object", offset: pos) }
                    guard base[pos] == UInt8(ascii: "\"") else { throw ParseError(message: "Expected a key in an object", offset: pos) }
                    if try parseString() != 0 { objectFlags = Flag.complexKeys }
                    skipWhitespace()
                    guard pos < end, base[pos] == UInt8(ascii: ":") else {
                        throw ParseError(message: "Expected ':' after a key", offset: pos)
                    }
                    pos += 1
                    skipWhitespace()
                    try parseValue(depth: depth)
                    members += 1
                    skipWhitespace()
                    guard pos < end else { throw ParseError(message: "Unexpected end of file in an object", offset: pos) }
                    let byte = base[pos]
                    pos += 1
                    if byte == UInt8(ascii: "}") { break }
                    guard byte == UInt8(ascii: ",") else {
                        throw ParseError(message: "Expected ',' or '}' in an object", offset: pos - 1)
                    }
                    skipWhitespace()
                    // JSONDecoder accepts a trailing comma.
                    if pos < end && base[pos] == UInt8(ascii: "}") {
                        guard trailingCommas else { throw ParseError(message: "A trailing comma before }", offset: pos) }
                        pos += 1
                        break
                    }
                }
            }
            tokens[index].payload = UInt32(count)
            tokens[index].count = members
            tokens[index].flags = objectFlags
        }
    }
}

// MARK: - Values

extension FastJSONDecoder {
    /// Why a value could not be read; turned into a `DecodingError` with the coding path by the caller.
    fileprivate enum Failure: Error {
        case mismatch(Kind)
        case null
        case corrupted(String)
        case foundation(DecodingError)

        func decodingError(_ type: Any.Type, path: [any CodingKey]) -> DecodingError {
            switch self {
            case .mismatch(let kind):
                .typeMismatch(
                    type,
                    DecodingError.Context(
                        codingPath: path,
                        debugDescription: "Expected to decode \(type) but found \(kind.foundDescription) instead."
                    )
                )
            case .null:
                .valueNotFound(
                    type,
                    DecodingError.Context(codingPath: path, debugDescription: "Cannot get value of type \(type) -- found null value instead")
                )
            case .corrupted(let message):
                .dataCorrupted(DecodingError.Context(codingPath: path, debugDescription: message))
            case .foundation(let error):
                Self.prefixing(error, with: path)
            }
        }

        static func prefixing(_ error: DecodingError, with path: [any CodingKey]) -> DecodingError {
            func context(_ context: DecodingError.Context) -> DecodingError.Context {
                DecodingError.Context(
                    codingPath: path + context.codingPath,
                    debugDescription: context.debugDescription,
                    underlyingError: context.underlyingError
                )
            }
            switch error {
            case .typeMismatch(let type, let ctx): return .typeMismatch(type, context(ctx))
            case .valueNotFound(let type, let ctx): return .valueNotFound(type, context(ctx))
            case .keyNotFound(let key, let ctx): return .keyNotFound(key, context(ctx))
            case .dataCorrupted(let ctx): return .dataCorrupted(context(ctx))
            @unknown default: return error
            }
        }
    }

    /// A coding path key: a member name, or an array position named like `JSONDecoder`'s (`Index 3`).
    fileprivate struct AnyKey: CodingKey {
        let stringValue: String
        let intValue: Int?

        init(stringValue: String) {
            self.stringValue = stringValue
            intValue = nil
        }

        init(intValue: Int) {
            stringValue = "Index \(intValue)"
            self.intValue = intValue
        }

        static let superKey = AnyKey(stringValue: "super")
    }

    fileprivate enum PathComponent {
        case key(any CodingKey)
        case name(String)
        case index(Int)

        var codingKey: any CodingKey {
            switch self {
            case .key(let key): key
            case .name(let name): AnyKey(stringValue: name)
            case .index(let index): AnyKey(intValue: index)
            }
        }
    }

    /// The keys of a large object (over 64 members), or of one whose keys need unescaping or Unicode comparison:
    /// first occurrence wins.
    fileprivate final class KeyTable {
        var indexes: [String: Int] = [:]
        var keys: [String] = []
    }
}

// MARK: - Decoder

extension FastJSONDecoder {
    /// The decoder passed to `init(from:)`. One instance serves a whole decode: nested values move `top` and push
    /// their key on `path`, then restore both. It is also the single-value container.
    fileprivate final class Impl: Decoder, SingleValueDecodingContainer {
        let storage: TapeStorage
        let base: UnsafePointer<UInt8>
        let tokens: UnsafePointer<Token>
        let nullIndex: Int
        // Only this decode's own call chain touches these; skip the dynamic exclusivity checks on the hot path.
        @exclusivity(unchecked) var top: Int
        @exclusivity(unchecked) var path: [PathComponent]

        init(storage: TapeStorage, base: UnsafePointer<UInt8>, top: Int, path: [PathComponent]) {
            self.storage = storage
            self.base = base
            self.tokens = UnsafePointer(storage.tokens)
            self.nullIndex = storage.count - 1
            self.top = top
            self.path = path
        }

        var codingPath: [any CodingKey] { path.map(\.codingKey) }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        // MARK: Paths

        func codingPath(depth: Int, suffix: [PathComponent], key: PathComponent? = nil) -> [any CodingKey] {
            var result = [any CodingKey]()
            for component in path.prefix(depth) { result.append(component.codingKey) }
            for component in suffix { result.append(component.codingKey) }
            if let key { result.append(key.codingKey) }
            return result
        }

        func error(_ failure: Failure, _ type: Any.Type, depth: Int, suffix: [PathComponent], key: PathComponent?) -> DecodingError {
            failure.decodingError(type, path: codingPath(depth: depth, suffix: suffix, key: key))
        }

        // MARK: Tokens

        @inline(__always)
        func next(_ index: Int) -> Int {
            let token = tokens[index]
            return token.kind.rawValue >= Kind.array.rawValue ? Int(token.payload) : index + 1
        }

        @inline(__always)
        func failure(for kind: Kind) -> Failure { kind == .null ? .null : .mismatch(kind) }

        // MARK: Primitives

        func bool(at index: Int) throws(Failure) -> Bool {
            switch tokens[index].kind {
            case .trueValue: return true
            case .falseValue: return false
            case let kind: throw failure(for: kind)
            }
        }

        func string(at index: Int) throws(Failure) -> String {
            let token = tokens[index]
            guard token.kind == .string else { throw failure(for: token.kind) }
            return try makeString(token)
        }

        func makeString(_ token: Token) throws(Failure) -> String {
            let bytes = UnsafeBufferPointer(start: base + Int(token.start), count: Int(token.payload))
            if token.flags == 0 { return String(decoding: bytes, as: UTF8.self) }
            if token.flags & (Flag.escape | Flag.control) == 0 { return try Self.validatedString(bytes) }
            return try Self.unescape(bytes)
        }

        /// `String(decoding:)` repairs invalid UTF-8; the bytes were valid exactly when the result has them unchanged.
        /// (Faster than the generic `String(validating:as:)`.)
        static func validatedString(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> String {
            var string = String(decoding: bytes, as: UTF8.self)
            let valid = string.utf8.count == bytes.count && string.withUTF8 { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            guard valid else { throw .corrupted("Invalid UTF-8 in a string.") }
            return string
        }

        static func unescape(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> String {
            var output = [UInt8]()
            output.reserveCapacity(bytes.count)
            var index = 0
            let count = bytes.count
            func hex(_ at: Int) throws(Failure) -> UInt32 {
                guard at + 4 <= count else { throw .corrupted("Invalid \\u escape sequence.") }
                var value: UInt32 = 0
                for offset in 0..<4 {
                    let byte = bytes[at + offset]
                    let digit: UInt8
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                    default: throw .corrupted("Invalid hex digit in a \\u escape sequence.")
                    }
                    value = value << 4 | UInt32(digit)
                }
                return value
            }
            while index < count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") {
                    guard index + 1 < count else { throw .corrupted("Invalid escape sequence.") }
                    let escaped = bytes[index + 1]
                    index += 2
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escaped)
                    case UInt8(ascii: "b"): output.append(0x08)
                    case UInt8(ascii: "f"): output.append(0x0C)
                    case UInt8(ascii: "n"): output.append(0x0A)
                    case UInt8(ascii: "r"): output.append(0x0D)
                    case UInt8(ascii: "t"): output.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalarValue = try hex(index)
                        index += 4
                        if UTF16.isLeadSurrogate(UInt16(scalarValue)) {
                            guard index + 6 <= count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                                throw .corrupted("Expected a low surrogate after a high surrogate.")
                            }
                            let trail = try hex(index + 2)
                            guard UTF16.isTrailSurrogate(UInt16(trail)) else {
                                throw .corrupted("Expected a low surrogate after a high surrogate.")
                            }
                            index += 6
                            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (trail - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(scalarValue) else {
                            throw .corrupted("A \\u escape is a lone low surrogate.")
                        }
                        output.append(contentsOf: UTF8.encode(scalar)!)
                    default:
                        throw .corrupted("Invalid escape sequence \\\(Unicode.Scalar(escaped)).")
                    }
                } else if byte < 0x20 {
                    throw .corrupted("Unescaped control character in a string.")
                } else {
                    output.append(byte)
                    index += 1
                }
            }
            return try output.withUnsafeBufferPointer { buffer throws(Failure) in try validatedString(buffer) }
        }

        func numberBytes(_ token: Token) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: base + Int(token.start), count: Int(token.payload))
        }

        func integer<T: FixedWidthInteger & Decodable>(_ type: T.Type, at index: Int) throws(Failure) -> T {
            let token = tokens[index]
            guard token.kind == .number else { throw failure(for: token.kind) }
            let bytes = numberBytes(token)
            if token.flags & Flag.plainInteger != 0 {
                let negative = bytes[0] == UInt8(ascii: "-")
                var position = negative ? 1 : 0
                if bytes[position] == UInt8(ascii: "0") && bytes.count - position > 1 {
                    throw .corrupted("Number with a leading zero.")
                }
                var value: T = 0
                while position < bytes.count {
                    let digit = T(truncatingIfNeeded: bytes[position] &- 0x30)
                    let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                    let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                    guard !overflow1 && !overflow2 else {
                        throw .corrupted("Number \(String(decoding: bytes, as: UTF8.self)) is not representable in \(T.self).")
                    }
                    value = next
                    position += 1
                }
                return value
            }
            try Self.validateNumber(bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            guard let double = Double(text), let value = T(exactly: double) else {
                throw .corrupted("Number \(text) is not representable in \(T.self).")
            }
            if double.magnitude < 9_007_199_254_740_992 { return value }
            // Beyond 2^53 JSONDecoder re-reads the digits as a Decimal; let it decide.
            do {
                return try JSONDecoder().decode(T.self, from: Data(bytes))
            } catch let error as DecodingError {
                throw .foundation(error)
            } catch {
                throw .corrupted("Number \(text) is not representable in \(T.self).")
            }
        }

        func floatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type, at index: Int) throws(Failure) -> T {
            let token = tokens[index]
            guard token.kind == .number else { throw failure(for: token.kind) }
            let bytes = numberBytes(token)
            if token.flags & Flag.plainInteger != 0 {
                let negative = bytes[0] == UInt8(ascii: "-")
                var position = negative ? 1 : 0
                let digits = bytes.count - position
                if bytes[position] == UInt8(ascii: "0") && digits > 1 { throw .corrupted("Number with a leading zero.") }
                if digits <= 15 {
                    var value: Int64 = 0
                    while position < bytes.count {
                        value = value &* 10 &+ Int64(bytes[position] &- 0x30)
                        position += 1
                    }
                    return negative ? -T(value) : T(value)
                }
            } else {
                try Self.validateNumber(bytes)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let value = T(text), value.isFinite, value != 0 || Self.isTrueZero(bytes) else {
                throw .corrupted("Number \(text) is not representable in \(T.self).")
            }
            return value
        }

        /// The JSON number grammar: `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`.
        static func validateNumber(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) {
            var position = 0
            let count = bytes.count
            func isDigit(_ at: Int) -> Bool { at < count && bytes[at] &- 0x30 < 10 }
            if position < count && bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard isDigit(position) else { throw .corrupted("Invalid number \(String(decoding: bytes, as: UTF8.self)).") }
            if bytes[position] == UInt8(ascii: "0") {
                position += 1
            } else {
                while isDigit(position) { position += 1 }
            }
            if position < count && bytes[position] == UInt8(ascii: ".") {
                position += 1
                guard isDigit(position) else { throw .corrupted("Invalid number \(String(decoding: bytes, as: UTF8.self)).") }
                while isDigit(position) { position += 1 }
            }
            if position < count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")) {
                position += 1
                if position < count && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")) { position += 1 }
                guard isDigit(position) else { throw .corrupted("Invalid number \(String(decoding: bytes, as: UTF8.self)).") }
                while isDigit(position) { position += 1 }
            }
            guard position == count else { throw .corrupted("Invalid number \(String(decoding: bytes, as: UTF8.self)).") }
        }

        /// Whether every digit of the significand is zero, so that a parsed zero is not an underflow.
        static func isTrueZero(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            for byte in bytes {
                if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { return true }
                if byte &- 0x31 < 9 { return false }
            }
            return true
        }

        // MARK: Generic values

        /// Decodes the value at `index`. With a `key`, it is a child: its key is pushed on the path while it decodes.
        func unwrap<T: Decodable>(_ type: T.Type, at index: Int, depth: Int, suffix: [PathComponent], key: PathComponent?) throws -> T {
            do throws(Failure) {
                if T.self == String.self { return unsafeBitCast(try string(at: index), to: T.self) }
                if T.self == Int.self { return unsafeBitCast(try integer(Int.self, at: index), to: T.self) }
                if T.self == Bool.self { return unsafeBitCast(try bool(at: index), to: T.self) }
                if T.self == Double.self { return unsafeBitCast(try floatingPoint(Double.self, at: index), to: T.self) }
                if T.self == Data.self { return try data(at: index) as! T }
                if T.self == URL.self { return try url(at: index) as! T }
                if T.self == Decimal.self { return try decimal(at: index) as! T }
            } catch {
                throw self.error(error, T.self, depth: depth, suffix: suffix, key: key)
            }
            if MemoryLayout<T>.size == MemoryLayout<[String: Int]>.size, let dictionary = T.self as? any StringKeyedDictionary.Type {
                return try dictionary.decode(from: self, at: index, depth: depth, suffix: key.map { suffix + [$0] } ?? suffix) as! T
            }
            let savedTop = top
            top = index
            guard let key else {
                defer { top = savedTop }
                return try T(from: self)
            }
            if path.count == depth && suffix.isEmpty {
                path.append(key)
                defer {
                    path.removeLast()
                    top = savedTop
                }
                return try T(from: self)
            }
            if path.count == depth {
                path.append(contentsOf: suffix)
                path.append(key)
                defer {
                    path.removeSubrange(depth...)
                    top = savedTop
                }
                return try T(from: self)
            }
            // A container used after its decoder moved on (not what synthesized code does): restore the path after.
            let savedPath = path
            path.removeSubrange(min(depth, path.count)...)
            path.append(contentsOf: suffix)
            path.append(key)
            defer {
                path = savedPath
                top = savedTop
            }
            return try T(from: self)
        }

        func data(at index: Int) throws(Failure) -> Data {
            let string: String
            do {
                string = try self.string(at: index)
            } catch .mismatch(let kind) {
                throw .foundation(
                    .typeMismatch(
                        String.self,
                        DecodingError.Context(
                            codingPath: [],
                            debugDescription: "Expected to decode String but found \(kind.foundDescription) instead."
                        )
                    )
                )
            }
            guard let data = Data(base64Encoded: string) else { throw .corrupted("Encountered Data is not valid Base64.") }
            return data
        }

        func url(at index: Int) throws(Failure) -> URL {
            let string: String
            do {
                string = try self.string(at: index)
            } catch .mismatch(let kind) {
                throw .foundation(
                    .typeMismatch(
                        String.self,
                        DecodingError.Context(
                            codingPath: [],
                            debugDescription: "Expected to decode String but found \(kind.foundDescription) instead."
                        )
                    )
                )
            }
            guard let url = URL(string: string) else { throw .corrupted("Invalid URL string.") }
            return url
        }

        func decimal(at index: Int) throws(Failure) -> Decimal {
            let token = tokens[index]
            guard token.kind == .number else { throw failure(for: token.kind) }
            do {
                return try JSONDecoder().decode(Decimal.self, from: Data(numberBytes(token)))
            } catch let error as DecodingError {
                throw .foundation(error)
            } catch {
                throw .corrupted("Invalid number.")
            }
        }

        // MARK: Containers

        func keyedContainer<Key: CodingKey>(
            _ type: Key.Type,
            at index: Int,
            depth: Int,
            suffix: [PathComponent]
        ) throws -> KeyedDecodingContainer<Key> {
            let token = tokens[index]
            guard token.kind == .object else {
                let path = codingPath(depth: depth, suffix: suffix)
                if token.kind == .null {
                    throw DecodingError.valueNotFound(
                        [String: Any].self,
                        DecodingError.Context(codingPath: path, debugDescription: "Cannot get keyed decoding container -- found null value instead")
                    )
                }
                throw Failure.mismatch(token.kind).decodingError([String: Any].self, path: path)
            }
            var table: KeyTable?
            if token.count > 64 || token.flags & Flag.complexKeys != 0 {
                do {
                    table = try makeTable(object: index)
                } catch {
                    throw error.decodingError(String.self, path: codingPath(depth: depth, suffix: suffix))
                }
            }
            return KeyedDecodingContainer(KeyedContainer<Key>(impl: self, object: index, depth: depth, suffix: suffix, table: table))
        }

        func unkeyedContainer(at index: Int, depth: Int, suffix: [PathComponent]) throws -> any UnkeyedDecodingContainer {
            let token = tokens[index]
            guard token.kind == .array else {
                let path = codingPath(depth: depth, suffix: suffix)
                if token.kind == .null {
                    throw DecodingError.valueNotFound(
                        [Any].self,
                        DecodingError.Context(codingPath: path, debugDescription: "Cannot get unkeyed decoding container -- found null value instead")
                    )
                }
                throw Failure.mismatch(token.kind).decodingError([Any].self, path: path)
            }
            return UnkeyedContainer(impl: self, depth: depth, suffix: suffix, total: Int(token.count), cursor: index + 1)
        }

        func makeTable(object: Int) throws(Failure) -> KeyTable {
            let table = KeyTable()
            let members = Int(tokens[object].count)
            table.indexes.reserveCapacity(members)
            var index = object + 1
            for _ in 0..<members {
                let key = try makeString(tokens[index])
                if table.indexes[key] == nil {
                    table.indexes[key] = index + 1
                    table.keys.append(key)
                }
                index = next(index + 1)
            }
            return table
        }

        /// The value index for a key, comparing UTF-8 bytes in place (keys here are plain ASCII).
        func lookup(_ key: String, object: Int) -> Int? {
            var key = key
            return key.withUTF8 { target -> Int? in
                for byte in target where byte >= 0x80 { return slowLookup(String(decoding: target, as: UTF8.self), object: object) }
                let members = Int(tokens[object].count)
                let targetCount = target.count
                guard targetCount > 0 else {
                    var index = object + 1
                    for _ in 0..<members {
                        if tokens[index].payload == 0 { return index + 1 }
                        index = next(index + 1)
                    }
                    return nil
                }
                // Compare the first (up to) eight bytes as one word; a key is followed by at least `":0}`, so reading
                // eight bytes from a key of four or more bytes stays inside the document.
                let prefixCount = min(targetCount, 8)
                let mask: UInt64 = prefixCount == 8 ? ~0 : (1 << UInt64(prefixCount * 8)) - 1
                var targetWord: UInt64 = 0
                memcpy(&targetWord, target.baseAddress!, prefixCount)
                targetWord = UInt64(littleEndian: targetWord)
                let wordSafe = targetCount >= 4
                var index = object + 1
                for _ in 0..<members {
                    let token = tokens[index]
                    if Int(token.payload) == targetCount {
                        let start = base + Int(token.start)
                        if wordSafe {
                            let word = UInt64(littleEndian: UnsafeRawPointer(start).loadUnaligned(as: UInt64.self)) & mask
                            if word == targetWord && (targetCount <= 8 || memcmp(start + 8, target.baseAddress! + 8, targetCount - 8) == 0) {
                                return index + 1
                            }
                        } else if memcmp(start, target.baseAddress!, targetCount) == 0 {
                            return index + 1
                        }
                    }
                    index = next(index + 1)
                }
                return nil
            }
        }

        /// Unicode-aware comparison, for a non-ASCII key (canonically equivalent spellings match, as in `JSONDecoder`).
        func slowLookup(_ key: String, object: Int) -> Int? {
            let members = Int(tokens[object].count)
            var index = object + 1
            for _ in 0..<members {
                if let candidate = try? makeString(tokens[index]), candidate == key { return index + 1 }
                index = next(index + 1)
            }
            return nil
        }

        func allKeys(object: Int) -> [String] {
            let members = Int(tokens[object].count)
            var keys = [String]()
            keys.reserveCapacity(members)
            var starts = [Int]()
            var index = object + 1
            outer: for _ in 0..<members {
                let token = tokens[index]
                defer { index = next(index + 1) }
                for previous in starts {
                    let other = tokens[previous]
                    if other.payload == token.payload && memcmp(base + Int(other.start), base + Int(token.start), Int(token.payload)) == 0 {
                        continue outer
                    }
                }
                starts.append(index)
                keys.append(String(decoding: numberBytes(token), as: UTF8.self))
            }
            return keys
        }

        // MARK: Decoder

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            try keyedContainer(type, at: top, depth: path.count, suffix: [])
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try unkeyedContainer(at: top, depth: path.count, suffix: [])
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        // MARK: SingleValueDecodingContainer

        func decodeNil() -> Bool { tokens[top].kind == .null }

        @inline(__always)
        func single<T: Primitive>(_ type: T.Type) throws -> T {
            do {
                return try T.read(self, at: top)
            } catch {
                throw error.decodingError(T.self, path: codingPath)
            }
        }

        func decode(_ type: Bool.Type) throws -> Bool { try single(type) }
        func decode(_ type: String.Type) throws -> String { try single(type) }
        func decode(_ type: Double.Type) throws -> Double { try single(type) }
        func decode(_ type: Float.Type) throws -> Float { try single(type) }
        func decode(_ type: Int.Type) throws -> Int { try single(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try single(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try single(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try single(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try single(type) }
        func decode(_ type: Int128.Type) throws -> Int128 { try single(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try single(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try single(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try single(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try single(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try single(type) }
        func decode(_ type: UInt128.Type) throws -> UInt128 { try single(type) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try unwrap(type, at: top, depth: path.count, suffix: [], key: nil)
        }
    }
}

// MARK: - Keyed container

extension FastJSONDecoder {
    fileprivate struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let impl: Impl
        let object: Int
        let depth: Int
        let suffix: [PathComponent]
        let table: KeyTable?

        var codingPath: [any CodingKey] { impl.codingPath(depth: depth, suffix: suffix) }

        var allKeys: [Key] {
            (table?.keys ?? impl.allKeys(object: object)).compactMap { Key(stringValue: $0) }
        }

        @inline(__always)
        func lookup(_ key: Key) -> Int? {
            if let table { return table.indexes[key.stringValue] }
            return impl.lookup(key.stringValue, object: object)
        }

        func contains(_ key: Key) -> Bool { lookup(key) != nil }

        func require(_ key: Key) throws -> Int {
            guard let index = lookup(key) else {
                throw DecodingError.keyNotFound(
                    key,
                    DecodingError.Context(codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\").")
                )
            }
            return index
        }

        @inline(__always)
        func read<T: Primitive>(_ type: T.Type, _ key: Key) throws -> T {
            let index = try require(key)
            do {
                return try T.read(impl, at: index)
            } catch {
                throw impl.error(error, T.self, depth: depth, suffix: suffix, key: .key(key))
            }
        }

        @inline(__always)
        func readIfPresent<T: Primitive>(_ type: T.Type, _ key: Key) throws -> T? {
            guard let index = lookup(key), impl.tokens[index].kind != .null else { return nil }
            do {
                return try T.read(impl, at: index)
            } catch {
                throw impl.error(error, T.self, depth: depth, suffix: suffix, key: .key(key))
            }
        }

        func decodeNil(forKey key: Key) throws -> Bool { impl.tokens[try require(key)].kind == .null }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try read(type, key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try read(type, key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try read(type, key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try read(type, key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try read(type, key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try read(type, key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try read(type, key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try read(type, key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try read(type, key) }
        func decode(_ type: Int128.Type, forKey key: Key) throws -> Int128 { try read(type, key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try read(type, key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try read(type, key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try read(type, key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try read(type, key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try read(type, key) }
        func decode(_ type: UInt128.Type, forKey key: Key) throws -> UInt128 { try read(type, key) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try impl.unwrap(type, at: try require(key), depth: depth, suffix: suffix, key: .key(key))
        }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: Int128.Type, forKey key: Key) throws -> Int128? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try readIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt128.Type, forKey key: Key) throws -> UInt128? { try readIfPresent(type, key) }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let index = lookup(key), impl.tokens[index].kind != .null else { return nil }
            return try impl.unwrap(type, at: index, depth: depth, suffix: suffix, key: .key(key))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try impl.keyedContainer(type, at: try require(key), depth: depth, suffix: suffix + [.key(key)])
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try impl.unkeyedContainer(at: try require(key), depth: depth, suffix: suffix + [.key(key)])
        }

        func superDecoder() throws -> any Decoder {
            let index = table?.indexes["super"] ?? impl.lookup("super", object: object) ?? impl.nullIndex
            return Impl(storage: impl.storage, base: impl.base, top: index, path: Array(impl.path.prefix(depth)) + suffix + [.key(AnyKey.superKey)])
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            Impl(
                storage: impl.storage,
                base: impl.base,
                top: lookup(key) ?? impl.nullIndex,
                path: Array(impl.path.prefix(depth)) + suffix + [.key(key)]
            )
        }
    }
}

// MARK: - Unkeyed container

extension FastJSONDecoder {
    fileprivate struct UnkeyedContainer: UnkeyedDecodingContainer {
        let impl: Impl
        let depth: Int
        let suffix: [PathComponent]
        let total: Int
        var cursor: Int
        var currentIndex = 0

        init(impl: Impl, depth: Int, suffix: [PathComponent], total: Int, cursor: Int) {
            self.impl = impl
            self.depth = depth
            self.suffix = suffix
            self.total = total
            self.cursor = cursor
        }

        var count: Int? { total }
        var isAtEnd: Bool { currentIndex >= total }
        var codingPath: [any CodingKey] { impl.codingPath(depth: depth, suffix: suffix) }

        func atEnd(_ type: Any.Type, _ message: String = "Unkeyed container is at end.") -> DecodingError {
            .valueNotFound(
                type,
                DecodingError.Context(codingPath: impl.codingPath(depth: depth, suffix: suffix, key: .index(currentIndex)), debugDescription: message)
            )
        }

        @inline(__always)
        mutating func advance() {
            cursor = impl.next(cursor)
            currentIndex += 1
        }

        @inline(__always)
        mutating func read<T: Primitive>(_ type: T.Type) throws -> T {
            guard currentIndex < total else { throw atEnd(T.self) }
            do {
                let value = try T.read(impl, at: cursor)
                advance()
                return value
            } catch {
                throw impl.error(error, T.self, depth: depth, suffix: suffix, key: .index(currentIndex))
            }
        }

        mutating func decodeNil() throws -> Bool {
            guard currentIndex < total else { throw atEnd(Never.self) }
            guard impl.tokens[cursor].kind == .null else { return false }
            advance()
            return true
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try read(type) }
        mutating func decode(_ type: String.Type) throws -> String { try read(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try read(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try read(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try read(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try read(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try read(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try read(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try read(type) }
        mutating func decode(_ type: Int128.Type) throws -> Int128 { try read(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try read(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try read(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try read(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try read(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try read(type) }
        mutating func decode(_ type: UInt128.Type) throws -> UInt128 { try read(type) }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard currentIndex < total else { throw atEnd(T.self) }
            let value = try impl.unwrap(type, at: cursor, depth: depth, suffix: suffix, key: .index(currentIndex))
            advance()
            return value
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            guard currentIndex < total else { throw atEnd(KeyedDecodingContainer<NestedKey>.self) }
            let container = try impl.keyedContainer(type, at: cursor, depth: depth, suffix: suffix + [.index(currentIndex)])
            advance()
            return container
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard currentIndex < total else { throw atEnd((any UnkeyedDecodingContainer).self) }
            let container = try impl.unkeyedContainer(at: cursor, depth: depth, suffix: suffix + [.index(currentIndex)])
            advance()
            return container
        }

        mutating func superDecoder() throws -> any Decoder {
            guard currentIndex < total else {
                throw atEnd((any Decoder).self, "Cannot get superDecoder() -- unkeyed container is at end.")
            }
            let decoder = Impl(
                storage: impl.storage,
                base: impl.base,
                top: cursor,
                path: Array(impl.path.prefix(depth)) + suffix + [.index(currentIndex)]
            )
            advance()
            return decoder
        }
    }
}

// MARK: - String-keyed dictionaries

/// `[String: Value]` decodes straight from the object's members, as `JSONDecoder` does, instead of through
/// `allKeys` and a lookup per key; the first of repeated keys wins.
private protocol StringKeyedDictionary {
    static func decode(from impl: FastJSONDecoder.Impl, at index: Int, depth: Int, suffix: [FastJSONDecoder.PathComponent]) throws -> Self
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Decodable {
    fileprivate static func decode(from impl: FastJSONDecoder.Impl, at index: Int, depth: Int, suffix: [FastJSONDecoder.PathComponent]) throws -> Self
    {
        let token = impl.tokens[index]
        guard token.kind == .object else {
            let path = impl.codingPath(depth: depth, suffix: suffix)
            if token.kind == .null {
                throw DecodingError.valueNotFound(
                    [String: Any].self,
                    DecodingError.Context(codingPath: path, debugDescription: "Cannot get keyed decoding container -- found null value instead")
                )
            }
            throw FastJSONDecoder.Failure.mismatch(token.kind).decodingError([String: Any].self, path: path)
        }
        let members = Int(token.count)
        var result = [String: Value](minimumCapacity: members)
        var keyIndex = index + 1
        for _ in 0..<members {
            let key: String
            do {
                key = try impl.makeString(impl.tokens[keyIndex])
            } catch {
                throw error.decodingError(String.self, path: impl.codingPath(depth: depth, suffix: suffix))
            }
            if result[key] == nil {
                result[key] = try impl.unwrap(Value.self, at: keyIndex + 1, depth: depth, suffix: suffix, key: .name(key))
            }
            keyIndex = impl.next(keyIndex + 1)
        }
        return result
    }
}

// MARK: - Primitives

/// The types every container reads directly from a token.
private protocol Primitive {
    static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self
}

extension Bool: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self { try impl.bool(at: index) }
}

extension String: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self { try impl.string(at: index) }
}

extension Double: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.floatingPoint(Self.self, at: index)
    }
}

extension Float: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.floatingPoint(Self.self, at: index)
    }
}

extension Int: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension Int8: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension Int16: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension Int32: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension Int64: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension Int128: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension UInt: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension UInt8: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension UInt16: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension UInt32: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension UInt64: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

extension UInt128: Primitive {
    fileprivate static func read(_ impl: FastJSONDecoder.Impl, at index: Int) throws(FastJSONDecoder.Failure) -> Self {
        try impl.integer(Self.self, at: index)
    }
}

// MARK: - Sorted member reader

extension FastJSONDecoder {
    /// Why a ``SortedMemberReader`` declined a document; the caller decodes it through Codable instead, which reads
    /// what the reader declines and gives the precise error for what neither reads.
    public struct ReaderMismatch: Error, Equatable {
        /// The member the reader was asked for when it declined ("" for the document's start or end).
        public let key: String
    }

    /// Reads a flat JSON object in one pass, without Codable and without a tape: for hot paths with generated
    /// readers, where Codable's containers cost more than the parse.
    ///
    /// The object's members must be exactly the ones asked for, in the order asked: a reader that asks in
    /// ascending key order reads canonical JSON (keys sorted, no whitespace, optionals omitted when nil). An
    /// optional member may be absent or null. Anything else — another order, a missing, repeated or unknown member,
    /// another type, escaped keys, a number with a fraction or an exponent, a trailing comma, malformed JSON — throws
    /// ``ReaderMismatch``, and the caller falls back to Codable; whatever the reader returns is what
    /// ``FastJSONDecoder`` decodes from the same bytes (strings checked as it checks them, integers read as it reads
    /// plain integers).
    public struct SortedMemberReader {
        private let base: UnsafePointer<UInt8>
        private let end: Int
        private var position: Int
        private var atFirstMember = true

        /// A reader after the object's opening brace; nil when the document does not start with one (after
        /// whitespace), so byte order marks and UTF-16 are declined.
        fileprivate init?(base: UnsafePointer<UInt8>, end: Int) {
            self.base = base
            self.end = end
            self.position = 0
            let open = skipWhitespace(from: 0)
            guard open < end, base[open] == UInt8(ascii: "{") else { return nil }
            position = open + 1
        }

        /// A string member.
        public mutating func string(_ key: StaticString) throws(ReaderMismatch) -> String {
            try member(key) { [base, end] start in Self.string(base, at: start, end: end) }
        }

        /// A string member that may be absent or null.
        public mutating func optionalString(_ key: StaticString) throws(ReaderMismatch) -> String? {
            try optionalMember(key) { [base, end] start in Self.string(base, at: start, end: end) }
        }

        /// An integer member.
        public mutating func int(_ key: StaticString) throws(ReaderMismatch) -> Int {
            try member(key) { [base, end] start in Self.integer(base, at: start, end: end) }
        }

        /// An integer member that may be absent or null.
        public mutating func optionalInt(_ key: StaticString) throws(ReaderMismatch) -> Int? {
            try optionalMember(key) { [base, end] start in Self.integer(base, at: start, end: end) }
        }

        /// The member `key`, its value read by `value` from where it starts.
        @inline(__always)
        private mutating func member<T>(_ key: StaticString, _ value: (Int) -> (T, after: Int)?) throws(ReaderMismatch) -> T {
            guard let start = valueStart(of: key), let (read, after) = value(start) else { throw mismatch(key) }
            consume(upTo: after)
            return read
        }

        /// The member `key` when present and not null, its value read by `value` from where it starts.
        @inline(__always)
        private mutating func optionalMember<T>(_ key: StaticString, _ value: (Int) -> (T, after: Int)?) throws(ReaderMismatch) -> T? {
            guard let start = valueStart(of: key) else { return nil }
            if let after = null(at: start) {
                consume(upTo: after)
                return nil
            }
            guard let (read, after) = value(start) else { throw mismatch(key) }
            consume(upTo: after)
            return read
        }

        /// A boolean member.
        public mutating func bool(_ key: StaticString) throws(ReaderMismatch) -> Bool {
            guard let start = valueStart(of: key) else { throw mismatch(key) }
            if literal("true", at: start) {
                consume(upTo: start + 4)
                return true
            }
            guard literal("false", at: start) else { throw mismatch(key) }
            consume(upTo: start + 5)
            return false
        }

        /// A boolean member that may be absent or null.
        public mutating func optionalBool(_ key: StaticString) throws(ReaderMismatch) -> Bool? {
            try optionalMember(key) { [self] start in
                if literal("true", at: start) { return (true, after: start + 4) }
                if literal("false", at: start) { return (false, after: start + 5) }
                return nil
            }
        }

        /// An array-of-strings member.
        public mutating func strings(_ key: StaticString) throws(ReaderMismatch) -> [String] {
            try member(key) { [base, end] start in Self.strings(base, at: start, end: end) }
        }

        /// An array-of-strings member that may be absent or null.
        public mutating func optionalStrings(_ key: StaticString) throws(ReaderMismatch) -> [String]? {
            try optionalMember(key) { [base, end] start in Self.strings(base, at: start, end: end) }
        }

        /// Checks that the object ends after the members read, and the document after the object.
        fileprivate func finish() throws(ReaderMismatch) {
            let close = skipWhitespace(from: position)
            guard close < end, base[close] == UInt8(ascii: "}"), skipWhitespace(from: close + 1) == end else { throw ReaderMismatch(key: "") }
        }

        private func mismatch(_ key: StaticString) -> ReaderMismatch { ReaderMismatch(key: key.description) }

        @inline(__always)
        private mutating func consume(upTo after: Int) {
            position = after
            atFirstMember = false
        }

        @inline(__always)
        private func skipWhitespace(from start: Int) -> Int { FastJSONDecoder.skipWhitespace(base, from: start, end: end) }

        /// Where the value of the next member starts when that member's key is `key` (written without escapes);
        /// nil otherwise, the reader unmoved.
        @inline(__always)
        private func valueStart(of key: StaticString) -> Int? {
            var at = skipWhitespace(from: position)
            if !atFirstMember {
                guard at < end, base[at] == UInt8(ascii: ",") else { return nil }
                at = skipWhitespace(from: at + 1)
            }
            let length = key.utf8CodeUnitCount
            guard end - at >= length + 3, base[at] == UInt8(ascii: "\""), base[at + 1 + length] == UInt8(ascii: "\"") else { return nil }
            let expected = key.utf8Start
            for offset in 0..<length where base[at + 1 + offset] != expected[offset] { return nil }
            at = skipWhitespace(from: at + length + 2)
            guard at < end, base[at] == UInt8(ascii: ":") else { return nil }
            return skipWhitespace(from: at + 1)
        }

        private func literal(_ word: StaticString, at start: Int) -> Bool {
            let length = word.utf8CodeUnitCount
            guard end - start >= length else { return false }
            return memcmp(base + start, word.utf8Start, length) == 0
        }

        private func null(at start: Int) -> Int? { literal("null", at: start) ? start + 4 : nil }

        /// A plain integer (an optional minus sign and digits, no leading zero) that fits; nil for anything else.
        private static func integer(_ base: UnsafePointer<UInt8>, at start: Int, end: Int) -> (Int, after: Int)? {
            var at = start
            let negative = at < end && base[at] == UInt8(ascii: "-")
            if negative { at += 1 }
            let firstDigit = at
            var value = 0
            while at < end, base[at] &- 0x30 < 10 {
                let digit = Int(base[at] &- 0x30)
                let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
                guard !overflow1 && !overflow2 else { return nil }
                value = next
                at += 1
            }
            let digits = at - firstDigit
            guard digits > 0, !(digits > 1 && base[firstDigit] == UInt8(ascii: "0")) else { return nil }
            if at < end, base[at] == UInt8(ascii: ".") || base[at] | 0x20 == UInt8(ascii: "e") { return nil }
            return (value, at)
        }

        /// The array of strings starting at `start` (its opening bracket) and the position after it.
        private static func strings(_ base: UnsafePointer<UInt8>, at start: Int, end: Int) -> ([String], after: Int)? {
            guard start < end, base[start] == UInt8(ascii: "[") else { return nil }
            var at = FastJSONDecoder.skipWhitespace(base, from: start + 1, end: end)
            var values = [String]()
            if at < end && base[at] == UInt8(ascii: "]") { return (values, at + 1) }
            while true {
                guard let (string, after) = Self.string(base, at: at, end: end) else { return nil }
                values.append(string)
                at = FastJSONDecoder.skipWhitespace(base, from: after, end: end)
                guard at < end else { return nil }
                if base[at] == UInt8(ascii: "]") { return (values, at + 1) }
                guard base[at] == UInt8(ascii: ",") else { return nil }
                at = FastJSONDecoder.skipWhitespace(base, from: at + 1, end: end)
            }
        }

        /// The string starting at `start` (its opening quote) and the position after its closing quote; nil when
        /// there is none, or the string is invalid (a control character, a bad escape, invalid UTF-8).
        private static func string(_ base: UnsafePointer<UInt8>, at start: Int, end: Int) -> (String, after: Int)? {
            guard start < end, base[start] == UInt8(ascii: "\"") else { return nil }
            var at = start + 1
            var plain = true
            var escaped = false
            while true {
                at = FastJSONDecoder.skipStringBytes(base, from: at, end: end, stoppingAtNonASCII: plain)
                guard at < end else { return nil }
                let byte = base[at]
                if byte == UInt8(ascii: "\"") { break }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    plain = false
                    at += 2
                } else if byte < 0x20 {
                    return nil
                } else {
                    if byte >= 0x80 { plain = false }
                    at += 1
                }
            }
            guard at < end else { return nil }
            let bytes = UnsafeBufferPointer(start: base + start + 1, count: at - start - 1)
            if plain { return (String(decoding: bytes, as: UTF8.self), at + 1) }
            let string = escaped ? try? Impl.unescape(bytes) : try? Impl.validatedString(bytes)
            return string.map { ($0, at + 1) }
        }
    }

    /// Hands `body` a ``SortedMemberReader`` over the JSON object in `data`, and checks that `body` read all of it.
    ///
    /// - Throws: ``ReaderMismatch`` when the document is not an object of exactly the members `body` reads, in
    ///   that order; or what `body` throws.
    public func readSortedMembers<T>(from data: Data, _ body: (inout SortedMemberReader) throws -> T) throws -> T {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> T in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw ReaderMismatch(key: "") }
            guard var reader = SortedMemberReader(base: base, end: bytes.count) else { throw ReaderMismatch(key: "") }
            let value = try body(&reader)
            try reader.finish()
            return value
        }
    }
}

// MARK: - Shape

extension FastJSONDecoder {
    /// The shape of a JSON value: objects with their members, arrays with their elements, numbers with their value,
    /// strings and booleans only as "a scalar". What a strict request decoder compares to find unknown members.
    public indirect enum Shape: Equatable, Sendable {
        case object([String: Shape])
        case array([Shape])
        case number(Double)
        case scalar
        case null
    }

    /// The shape of the JSON in `data`, read from the tape without building the strings' values.
    ///
    /// Exactly what decoding a `Decodable` that tries null, `Bool`, `String`, `Double`, an array and then a
    /// dictionary would give through ``decode(_:from:)``: it throws for malformed JSON, an invalid string (bad
    /// escape, invalid UTF-8, control character) and a number no `Double` holds; of a repeated key the first counts,
    /// and the values of later ones are not read.
    public func shape(from data: Data) throws -> Shape {
        try shapeAndRepeatedKey(from: data).shape
    }

    /// A step of the path to a value: a member's name or an element's index.
    public enum ShapeStep: Equatable, Sendable {
        case key(String)
        case index(Int)
    }

    /// ``shape(from:)`` and the path of the first member whose name its object repeats (nil when no object repeats
    /// one): a strict reader refuses such JSON, of which a decoder would silently keep one value. Noted while the
    /// shape is read, at the cost of a comparison per member.
    ///
    /// Input the tape does not read (UTF-16/32, huge) goes through `Decodable`, which does not tell repeats: nil.
    ///
    /// `rejectingTrailingCommas`: refuse `[1,]` and `{"a":1,}` (RFC 8259), which `JSONDecoder` and ``decode(_:from:)``
    /// read.
    public func shapeAndRepeatedKey(
        from data: Data,
        rejectingTrailingCommas: Bool = false
    ) throws -> (shape: Shape, repeatedKey: [ShapeStep]?) {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws -> (shape: Shape, repeatedKey: [ShapeStep]?) in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), !bytes.isEmpty,
                let start = Self.utf8Start(base, count: bytes.count)
            else {
                // Empty, UTF-16/32 or huge: the Decodable path, which refuses or hands to JSONDecoder as `decode` does.
                return (try decode(CodableShape.self, from: bytes).shape, nil)
            }
            let storage = try Self.tape(base: base, start: start, end: bytes.count, trailingCommas: !rejectingTrailingCommas)
            let impl = Impl(storage: storage, base: base, top: 0, path: [])
            var repeated: [ShapeStep]?
            do {
                let shape = try impl.shape(at: 0, repeated: &repeated)
                return (shape, repeated)
            } catch {
                throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: [], debugDescription: "\(error)"))
            }
        }
    }

    /// The same shape through `Decodable`: the reference the tape walk follows (and its tests compare with), and
    /// the path for input it hands on.
    struct CodableShape: Decodable {
        let shape: Shape

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                shape = .null
            } else if (try? container.decode(Bool.self)) != nil || (try? container.decode(String.self)) != nil {
                shape = .scalar
            } else if let number = try? container.decode(Double.self) {
                shape = .number(number)
            } else if let array = try? container.decode([CodableShape].self) {
                shape = .array(array.map(\.shape))
            } else {
                shape = .object(try container.decode([String: CodableShape].self).mapValues(\.shape))
            }
        }
    }
}

extension FastJSONDecoder.Impl {
    /// The shape of the value at `index`; `repeated` gets the path of the first repeated member name, outermost
    /// first (each level puts its own step in front as the walk returns through it).
    fileprivate func shape(
        at index: Int,
        repeated: inout [FastJSONDecoder.ShapeStep]?
    ) throws(FastJSONDecoder.Failure) -> FastJSONDecoder.Shape {
        let token = tokens[index]
        switch token.kind {
        case .null:
            return .null
        case .trueValue, .falseValue:
            return .scalar
        case .string:
            // Plain ASCII needs no check; anything else is checked as decoding the string would.
            if token.flags != 0 { _ = try makeString(token) }
            return .scalar
        case .number:
            return .number(try floatingPoint(Double.self, at: index))
        case .array:
            var elements = [FastJSONDecoder.Shape]()
            elements.reserveCapacity(Int(token.count))
            var element = index + 1
            for position in 0..<Int(token.count) {
                let noted = repeated != nil
                elements.append(try shape(at: element, repeated: &repeated))
                if !noted, repeated != nil { repeated!.insert(.index(position), at: 0) }
                element = next(element)
            }
            return .array(elements)
        case .object:
            var members = [String: FastJSONDecoder.Shape](minimumCapacity: Int(token.count))
            var key = index + 1
            for _ in 0..<Int(token.count) {
                let name = try makeString(tokens[key])
                if members[name] == nil {
                    let noted = repeated != nil
                    members[name] = try shape(at: key + 1, repeated: &repeated)
                    if !noted, repeated != nil { repeated!.insert(.key(name), at: 0) }
                } else if repeated == nil {
                    repeated = [.key(name)]
                }
                key = next(key + 1)
            }
            return .object(members)
        }
    }
}
