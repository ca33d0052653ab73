import Foundation

/// Encodes the read models' JSON documents byte for byte as Foundation's `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` does, about ten times faster.
///
/// `JSONEncoder` cost ~200 µs per candidate document (most of a rebuild's flush, and most of every append's
/// projection work). This encoder builds the same tree without boxing through existentials, sorts keys by their UTF-8
/// bytes (what `.sortedKeys` does for the keys these documents have) and escapes strings the same way (`"`, `\`,
/// `\b \f \n \r \t`, other control characters as `\u00xx`; `/` and non-ASCII as they are). Values whose JSON
/// `JSONEncoder` spells through a strategy (floating-point numbers, `Date`, `Data`, `URL`, `Decimal`) or an object
/// with a repeated key make it give up, and ``encode(_:)`` then uses `JSONEncoder` itself, so the output is always
/// `JSONEncoder`'s (a test compares both on every document of a demo season).
struct DocumentEncoder {
    /// What this encoder does not spell itself.
    struct Unsupported: Error {}

    private static let foundation: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The document as a string: the fast path, or `JSONEncoder` when it does not apply.
    static func encode<T: Encodable>(_ value: T) throws -> String {
        if let bytes = try? encodeFast(value) { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: try foundation.encode(value), as: UTF8.self)
    }

    /// The fast path only (throws ``Unsupported`` where it does not apply).
    static func encodeFast<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = TreeEncoder(codingPath: [])
        try value.encode(to: encoder)
        var output = [UInt8]()
        output.reserveCapacity(4096)
        try write(encoder.value ?? .object(ObjectNode()), to: &output)
        return output
    }

    // MARK: The tree

    enum Node {
        case string(String)
        case literal(String)
        case object(ObjectNode)
        case array(ArrayNode)
    }

    final class ObjectNode {
        var entries: [(key: String, value: Node)] = []
    }

    final class ArrayNode {
        var items: [Node] = []
    }

    // MARK: Writing

    private static func write(_ node: Node, to output: inout [UInt8]) throws {
        switch node {
        case .string(let text): writeString(text, to: &output)
        case .literal(let text): output.append(contentsOf: text.utf8)
        case .array(let array):
            output.append(UInt8(ascii: "["))
            for (index, item) in array.items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                try write(item, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            let entries = object.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            output.append(UInt8(ascii: "{"))
            for index in entries.indices {
                if index > 0 {
                    // JSONEncoder keeps one value per key; a repeated key is left to it.
                    guard !entries[index - 1].key.utf8.elementsEqual(entries[index].key.utf8) else { throw Unsupported() }
                    output.append(UInt8(ascii: ","))
                }
                writeString(entries[index].key, to: &output)
                output.append(UInt8(ascii: ":"))
                try write(entries[index].value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                start = index + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                default:
                    output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0xF)])
                }
            }
            if start < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
        output.append(UInt8(ascii: "\""))
    }

    // MARK: Encoding into the tree

    /// Values `JSONEncoder` spells through a strategy.
    static func isSpecial<T>(_ type: T.Type) -> Bool {
        type == Date.self || type == Data.self || type == URL.self || type == Decimal.self || type == Double.self
            || type == Float.self
    }

    static func node<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> Node {
        if let text = value as? String { return .string(text) }
        guard !isSpecial(T.self) else { throw Unsupported() }
        let encoder = TreeEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.value ?? .object(ObjectNode())
    }

    final class TreeEncoder: Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var value: Node?

        init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let object: ObjectNode
            if case .object(let existing) = value {
                object = existing
            } else {
                object = ObjectNode()
                value = .object(object)
            }
            return KeyedEncodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let array: ArrayNode
            if case .array(let existing) = value {
                array = existing
            } else {
                array = ArrayNode()
                value = .array(array)
            }
            return UnkeyedContainer(array: array, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: ObjectNode
        let codingPath: [any CodingKey]

        private func add(_ key: Key, _ node: Node) { object.entries.append((key.stringValue, node)) }

        mutating func encodeNil(forKey key: Key) throws { add(key, .literal("null")) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { add(key, .literal(value ? "true" : "false")) }
        mutating func encode(_ value: String, forKey key: Key) throws { add(key, .string(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Int, forKey key: Key) throws { add(key, .literal(String(value))) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { add(key, .literal(String(value))) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { add(key, .literal(String(value))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { add(key, .literal(String(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { add(key, .literal(String(value))) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { add(key, .literal(String(value))) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { add(key, .literal(String(value))) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { add(key, .literal(String(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { add(key, .literal(String(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { add(key, .literal(String(value))) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            add(key, try DocumentEncoder.node(value, codingPath: codingPath + [key]))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectNode()
            add(key, .object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayNode()
            add(key, .array(nested))
            return UnkeyedContainer(array: nested, codingPath: codingPath + [key])
        }

        // JSONEncoder encodes a super encoder's value lazily, in a way this encoder does not copy: not supported.
        mutating func superEncoder() -> any Encoder { UnsupportedEncoder(codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { UnsupportedEncoder(codingPath: codingPath + [key]) }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let array: ArrayNode
        let codingPath: [any CodingKey]
        var count: Int { array.items.count }

        mutating func encodeNil() throws { array.items.append(.literal("null")) }
        mutating func encode(_ value: Bool) throws { array.items.append(.literal(value ? "true" : "false")) }
        mutating func encode(_ value: String) throws { array.items.append(.string(value)) }
        mutating func encode(_ value: Double) throws { throw Unsupported() }
        mutating func encode(_ value: Float) throws { throw Unsupported() }
        mutating func encode(_ value: Int) throws { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: Int64) throws { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: Int8) throws { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: Int16) throws { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: Int32) throws { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: UInt) throws { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: UInt8) throws { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: UInt16) throws { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: UInt32) throws { array.items.append(.literal(String(value))) }
        mutating func encode(_ value: UInt64) throws { array.items.append(.literal(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            array.items.append(try DocumentEncoder.node(value, codingPath: codingPath))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectNode()
            array.items.append(.object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: codingPath))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayNode()
            array.items.append(.array(nested))
            return UnkeyedContainer(array: nested, codingPath: codingPath)
        }

        mutating func superEncoder() -> any Encoder { UnsupportedEncoder(codingPath: codingPath) }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: TreeEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.value = .literal("null") }
        mutating func encode(_ value: Bool) throws { encoder.value = .literal(value ? "true" : "false") }
        mutating func encode(_ value: String) throws { encoder.value = .string(value) }
        mutating func encode(_ value: Double) throws { throw Unsupported() }
        mutating func encode(_ value: Float) throws { throw Unsupported() }
        mutating func encode(_ value: Int) throws { encoder.value = .literal(String(value)) }
        mutating func encode(_ value: Int8) throws { encoder.value = .literal(String(value)) }
        mutating func encode(_ value: Int16) throws { encoder.value = .literal(String(value)) }
        mutating func encode(_ value: Int32) throws { encoder.value = .literal(String(value)) }
        mutating func encode(_ value: Int64) throws { encoder.value = .literal(String(value)) }
        mutating func encode(_ value: UInt) throws { encoder.value = .literal(String(value)) }
        mutating func encode(_ value: UInt8) throws { encoder.value = .literal(String(value)) }
        mutating func encode(_ value: UInt16) throws { encoder.value = .literal(String(value)) }
        mutating func encode(_ value: UInt32) throws { encoder.value = .literal(String(value)) }
        mutating func encode(_ value: UInt64) throws { encoder.value = .literal(String(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.value = try DocumentEncoder.node(value, codingPath: codingPath)
        }
    }

    /// Handed out where the fast path does not apply; its containers fail on first use.
    final class UnsupportedEncoder: Encoder {
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        init(codingPath: [any CodingKey]) { self.codingPath = codingPath }
        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(FailingKeyed<Key>(codingPath: codingPath))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { FailingUnkeyed(codingPath: codingPath) }
        func singleValueContainer() -> any SingleValueEncodingContainer { FailingUnkeyed(codingPath: codingPath) }
    }

    struct FailingKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let codingPath: [any CodingKey]
        mutating func encodeNil(forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Bool, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: String, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Int, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Int8, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Int16, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Int32, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Int64, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: UInt, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { throw Unsupported() }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { throw Unsupported() }
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(FailingKeyed<NestedKey>(codingPath: codingPath))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { FailingUnkeyed(codingPath: codingPath) }
        mutating func superEncoder() -> any Encoder { UnsupportedEncoder(codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { UnsupportedEncoder(codingPath: codingPath) }
    }

    struct FailingUnkeyed: UnkeyedEncodingContainer, SingleValueEncodingContainer {
        let codingPath: [any CodingKey]
        var count: Int { 0 }
        mutating func encodeNil() throws { throw Unsupported() }
        mutating func encode(_ value: Bool) throws { throw Unsupported() }
        mutating func encode(_ value: String) throws { throw Unsupported() }
        mutating func encode(_ value: Double) throws { throw Unsupported() }
        mutating func encode(_ value: Float) throws { throw Unsupported() }
        mutating func encode(_ value: Int) throws { throw Unsupported() }
        mutating func encode(_ value: Int8) throws { throw Unsupported() }
        mutating func encode(_ value: Int16) throws { throw Unsupported() }
        mutating func encode(_ value: Int32) throws { throw Unsupported() }
        mutating func encode(_ value: Int64) throws { throw Unsupported() }
        mutating func encode(_ value: UInt) throws { throw Unsupported() }
        mutating func encode(_ value: UInt8) throws { throw Unsupported() }
        mutating func encode(_ value: UInt16) throws { throw Unsupported() }
        mutating func encode(_ value: UInt32) throws { throw Unsupported() }
        mutating func encode(_ value: UInt64) throws { throw Unsupported() }
        mutating func encode<T: Encodable>(_ value: T) throws { throw Unsupported() }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(FailingKeyed<NestedKey>(codingPath: codingPath))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { FailingUnkeyed(codingPath: codingPath) }
        mutating func superEncoder() -> any Encoder { UnsupportedEncoder(codingPath: codingPath) }
    }
}
