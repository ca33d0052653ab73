import Foundation

/// A fast decoder for the shape every stored payload and metadata has: one JSON object whose values are strings,
/// numbers, booleans, null, or arrays of those (events are versioned contracts with primitive fields).
///
/// Foundation's `JSONDecoder` costs tens of microseconds per event here, more than everything else a rebuild does;
/// this one parses the object once into byte ranges and decodes fields straight from them. Anything else (a nested
/// object, malformed input) throws ``FlatJSONDecoder/Unsupported`` and the caller falls back to `JSONDecoder`, so the
/// result is always what `JSONDecoder` would give (a test checks both agree on every event of a demo season).
public enum FlatJSONDecoder {
    /// The input is not a flat object this decoder handles.
    public struct Unsupported: Error {}

    /// Decodes a flat object.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var parser = Parser(bytes: bytes)
            let object = try parser.parseObject()
            return try T(from: ObjectDecoder(bytes: bytes, fields: object))
        }
    }

    /// `JSONDecoder` when the flat path does not apply.
    public static func decodeOrFallBack<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try decode(type, from: data)
        } catch {
            return try JSONDecoder().decode(type, from: data)
        }
    }

    // MARK: Parsing

    enum Value {
        case string(start: Int, end: Int, escaped: Bool)
        case number(start: Int, end: Int)
        case bool(Bool)
        case null
        case array([Value])
    }

    struct Field {
        var keyStart: Int
        var keyEnd: Int
        var value: Value
    }

    struct Parser {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8) throws {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { throw Unsupported() }
            index += 1
        }

        mutating func parseObject() throws -> [Field] {
            try expect(0x7B)  // {
            var fields = [Field]()
            fields.reserveCapacity(20)
            skipSpace()
            if index < bytes.count, bytes[index] == 0x7D {
                index += 1
                return fields
            }
            while true {
                skipSpace()
                guard case .string(let start, let end, let escaped) = try parseString(), !escaped else { throw Unsupported() }
                try expect(0x3A)  // :
                let value = try parseValue()
                fields.append(Field(keyStart: start, keyEnd: end, value: value))
                skipSpace()
                guard index < bytes.count else { throw Unsupported() }
                if bytes[index] == 0x2C {
                    index += 1
                    continue
                }
                if bytes[index] == 0x7D {
                    index += 1
                    return fields
                }
                throw Unsupported()
            }
        }

        mutating func parseString() throws -> Value {
            guard index < bytes.count, bytes[index] == 0x22 else { throw Unsupported() }
            index += 1
            let start = index
            var escaped = false
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x22 {
                    index += 1
                    return .string(start: start, end: index - 1, escaped: escaped)
                }
                if byte == 0x5C {
                    escaped = true
                    index += 2
                    continue
                }
                index += 1
            }
            throw Unsupported()
        }

        mutating func parseValue() throws -> Value {
            skipSpace()
            guard index < bytes.count else { throw Unsupported() }
            switch bytes[index] {
            case 0x22: return try parseString()
            case 0x74: return try literal("true", .bool(true))
            case 0x66: return try literal("false", .bool(false))
            case 0x6E: return try literal("null", .null)
            case 0x5B:
                index += 1
                var values = [Value]()
                skipSpace()
                if index < bytes.count, bytes[index] == 0x5D {
                    index += 1
                    return .array(values)
                }
                while true {
                    let value = try parseValue()
                    if case .array = value { throw Unsupported() }
                    values.append(value)
                    skipSpace()
                    guard index < bytes.count else { throw Unsupported() }
                    if bytes[index] == 0x2C {
                        index += 1
                        continue
                    }
                    if bytes[index] == 0x5D {
                        index += 1
                        return .array(values)
                    }
                    throw Unsupported()
                }
            case 0x2D, 0x30...0x39:
                let start = index
                while index < bytes.count {
                    switch bytes[index] {
                    case 0x2D, 0x2B, 0x2E, 0x30...0x39, 0x45, 0x65: index += 1
                    default: return .number(start: start, end: index)
                    }
                }
                return .number(start: start, end: index)
            default:
                throw Unsupported()
            }
        }

        mutating func literal(_ text: StaticString, _ value: Value) throws -> Value {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw Unsupported() }
            for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { throw Unsupported() }
            index += count
            return value
        }
    }

    // MARK: Values

    static func string(_ bytes: UnsafeRawBufferPointer, _ value: Value) throws -> String {
        guard case .string(let start, let end, let escaped) = value else { throw Unsupported() }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(raw.count)
        var index = 0
        func hex(_ at: Int) throws -> UInt32 {
            guard at + 4 <= raw.count else { throw Unsupported() }
            var result: UInt32 = 0
            for offset in 0..<4 {
                let c = raw[at + offset]
                let digit: UInt8
                switch c {
                case 0x30...0x39: digit = c - 0x30
                case 0x61...0x66: digit = c - 0x57
                case 0x41...0x46: digit = c - 0x37
                default: throw Unsupported()
                }
                result = result << 4 | UInt32(digit)
            }
            return result
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == 0x5C else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 1 < raw.count else { throw Unsupported() }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case 0x22, 0x5C, 0x2F: out.append(escape)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = try hex(index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    guard index + 6 <= raw.count, raw[index] == 0x5C, raw[index + 1] == 0x75 else { throw Unsupported() }
                    let low = try hex(index + 2)
                    guard (0xDC00..<0xE000).contains(low) else { throw Unsupported() }
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw Unsupported() }
                out.append(contentsOf: String(Character(unicode)).utf8)
            default:
                throw Unsupported()
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func integer(_ bytes: UnsafeRawBufferPointer, _ value: Value) throws -> Int64 {
        guard case .number(let start, let end) = value, end > start else { throw Unsupported() }
        var index = start
        let negative = bytes[index] == 0x2D
        if negative { index += 1 }
        guard index < end else { throw Unsupported() }
        var result: Int64 = 0
        while index < end {
            let digit = bytes[index]
            guard digit >= 0x30 && digit <= 0x39 else { throw Unsupported() }
            let (multiplied, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = multiplied.addingReportingOverflow(Int64(digit - 0x30))
            guard !overflow1 && !overflow2 else { throw Unsupported() }
            result = added
            index += 1
        }
        return negative ? -result : result
    }

    static func double(_ bytes: UnsafeRawBufferPointer, _ value: Value) throws -> Double {
        guard case .number(let start, let end) = value,
            let number = Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        else { throw Unsupported() }
        return number
    }

    static func decodePrimitive<T: Decodable>(_ type: T.Type, _ bytes: UnsafeRawBufferPointer, _ value: Value) throws -> T {
        switch type {
        case is String.Type: return try string(bytes, value) as! T
        case is Int.Type: return Int(try integer(bytes, value)) as! T
        case is Int64.Type: return try integer(bytes, value) as! T
        case is Double.Type: return try double(bytes, value) as! T
        case is Bool.Type:
            guard case .bool(let flag) = value else { throw Unsupported() }
            return flag as! T
        default:
            return try T(from: ValueDecoder(bytes: bytes, value: value))
        }
    }

    // MARK: Decoder conformances

    struct ObjectDecoder: Decoder {
        let bytes: UnsafeRawBufferPointer
        let fields: [Field]
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Keyed<Key>(bytes: bytes, fields: fields))
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Unsupported() }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Unsupported() }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let bytes: UnsafeRawBufferPointer
        let fields: [Field]
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] {
            fields.compactMap { Key(stringValue: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0.keyStart..<$0.keyEnd]), as: UTF8.self)) }
        }

        func find(_ key: Key) -> Value? {
            var name = key.stringValue
            return name.withUTF8 { utf8 -> Value? in
                for field in fields where field.keyEnd - field.keyStart == utf8.count {
                    if memcmp(bytes.baseAddress! + field.keyStart, utf8.baseAddress!, utf8.count) == 0 { return field.value }
                }
                return nil
            }
        }

        func value(_ key: Key) throws -> Value {
            guard let value = find(key) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "missing \(key.stringValue)"))
            }
            return value
        }

        func contains(_ key: Key) -> Bool { find(key) != nil }

        func decodeNil(forKey key: Key) throws -> Bool {
            if case .null = try value(key) { return true }
            return false
        }

        func decode(_ type: String.Type, forKey key: Key) throws -> String { try FlatJSONDecoder.string(bytes, try value(key)) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
            guard case .bool(let flag) = try value(key) else { throw Unsupported() }
            return flag
        }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { Int(try FlatJSONDecoder.integer(bytes, try value(key))) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try FlatJSONDecoder.integer(bytes, try value(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try FlatJSONDecoder.double(bytes, try value(key)) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try FlatJSONDecoder.decodePrimitive(type, bytes, try value(key))
        }

        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            guard let value = find(key) else { return nil }
            if case .null = value { return nil }
            return try FlatJSONDecoder.string(bytes, value)
        }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
            guard let value = find(key) else { return nil }
            if case .null = value { return nil }
            return Int(try FlatJSONDecoder.integer(bytes, value))
        }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let value = find(key) else { return nil }
            if case .null = value { return nil }
            return try FlatJSONDecoder.decodePrimitive(type, bytes, value)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw Unsupported()
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try ValueDecoder(bytes: bytes, value: try value(key)).unkeyedContainer()
        }
        func superDecoder() throws -> any Decoder { throw Unsupported() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw Unsupported() }
    }

    struct ValueDecoder: Decoder, SingleValueDecodingContainer {
        let bytes: UnsafeRawBufferPointer
        let value: Value
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> { throw Unsupported() }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let values) = value else { throw Unsupported() }
            return Unkeyed(bytes: bytes, values: values)
        }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool {
            if case .null = value { return true }
            return false
        }
        func decode(_ type: String.Type) throws -> String { try FlatJSONDecoder.string(bytes, value) }
        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .bool(let flag) = value else { throw Unsupported() }
            return flag
        }
        func decode(_ type: Int.Type) throws -> Int { Int(try FlatJSONDecoder.integer(bytes, value)) }
        func decode(_ type: Double.Type) throws -> Double { try FlatJSONDecoder.double(bytes, value) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try FlatJSONDecoder.decodePrimitive(type, bytes, value) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let bytes: UnsafeRawBufferPointer
        let values: [Value]
        var currentIndex = 0
        var codingPath: [any CodingKey] { [] }
        var count: Int? { values.count }
        var isAtEnd: Bool { currentIndex >= values.count }

        init(bytes: UnsafeRawBufferPointer, values: [Value]) {
            self.bytes = bytes
            self.values = values
        }

        mutating func next() throws -> Value {
            guard !isAtEnd else { throw Unsupported() }
            defer { currentIndex += 1 }
            return values[currentIndex]
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { throw Unsupported() }
            if case .null = values[currentIndex] {
                currentIndex += 1
                return true
            }
            return false
        }
        mutating func decode(_ type: String.Type) throws -> String { try FlatJSONDecoder.string(bytes, try next()) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try FlatJSONDecoder.decodePrimitive(type, bytes, try next()) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            throw Unsupported()
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Unsupported() }
        mutating func superDecoder() throws -> any Decoder { throw Unsupported() }
    }
}
