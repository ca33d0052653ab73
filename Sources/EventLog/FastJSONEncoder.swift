import Foundation

/// A faster drop-in replacement for Foundation's `JSONEncoder` with its default strategies, writing UTF-8 JSON
/// byte for byte as `JSONEncoder` does with the same output formatting when keys are sorted.
///
/// Values are written once, already escaped, into a byte arena while `encode(to:)` runs; containers are nodes of a
/// flat tree over that arena (linked in the order values arrive, so nested containers may be filled in any order),
/// and a final pass sorts each object's keys and copies the bytes out. Nothing is boxed per value and no
/// dictionary is built. What the output follows from `JSONEncoder`:
///
/// - `.sortedKeys` orders an object's keys by their UTF-8 bytes (`JSONEncoder` outside Apple platforms; it never
///   looks at case, digits or locale). Without it `JSONEncoder` writes keys in its dictionary's hash order, which
///   differs from run to run; this encoder then writes them in the order they were encoded.
/// - Strings escape `"`, `\`, `\b \f \n \r \t`, other control characters as `\u00xx` (lower-case hex), and `/` as
///   `\/` unless `.withoutEscapingSlashes`; DEL, non-ASCII, U+2028 and U+2029 are written as they are.
/// - `Double` and `Float` are their `description` without a trailing `.0` (`1`, `0.1`, `1e+20`, `-0`); NaN and
///   infinities throw `EncodingError.invalidValue` with `JSONEncoder`'s coding path and message.
/// - `Date` is seconds since the reference date, `Data` base64, `URL` its `absoluteString`, `Decimal` its
///   `description`; a nested value that encodes nothing is `{}`, a top-level one throws as `JSONEncoder` does.
/// - `.prettyPrinted` indents by two spaces and separates keys with ` : `, empty containers included, as
///   `JSONEncoder` does.
///
/// What `JSONEncoder` resolves with its dictionaries — a key encoded twice in one object (also keys that are
/// equal as Swift strings, canonically equivalent), a container asked for where another kind of value was already
/// encoded — and nesting deeper than `JSONEncoder` accepts are left to it: ``encode(_:)`` then returns
/// `JSONEncoder`'s result, calling the value's `encode(to:)` a second time. A super encoder's value takes the place
/// it was asked for (`JSONEncoder` inserts it when the super encoder is released, at the index it had then; the two
/// differ only when several super encoders of one array are alive at once). An `Encoder` or container handed to
/// `encode(to:)` must not be used after ``encode(_:)`` returns.
public struct FastJSONEncoder: Sendable {
    /// Output options, with the meaning (and raw values) of `JSONEncoder.OutputFormatting`.
    public struct Formatting: OptionSet, Sendable {
        /// The raw value, the same as `JSONEncoder.OutputFormatting`'s.
        public let rawValue: UInt

        /// Creates formatting options from a raw value.
        public init(rawValue: UInt) { self.rawValue = rawValue }

        /// Indents nested values by two spaces and separates keys from values with ` : `.
        public static let prettyPrinted = Formatting(rawValue: 1 << 0)
        /// Orders each object's keys by their UTF-8 bytes; needed for output identical to `JSONEncoder`'s.
        public static let sortedKeys = Formatting(rawValue: 1 << 1)
        /// Writes `/` as it is instead of `\/`.
        public static let withoutEscapingSlashes = Formatting(rawValue: 1 << 3)
    }

    /// The output options.
    public let formatting: Formatting

    /// Creates an encoder with the given output options and `JSONEncoder`'s default strategies.
    public init(formatting: Formatting) { self.formatting = formatting }

    /// Encodes a value as UTF-8 JSON.
    ///
    /// - Throws: `EncodingError.invalidValue` as `JSONEncoder` would (a NaN or infinite number, a top-level value
    ///   that encodes nothing), and any error the value's `encode(to:)` throws.
    public func encode<T: Encodable>(_ value: T) throws -> Data {
        let storage = Storage(escapeSlashes: !formatting.contains(.withoutEscapingSlashes))
        var path = [any CodingKey]()
        path.reserveCapacity(8)
        let impl = Impl(storage: storage, node: 0, path: path)
        try impl.encodeValue(value, into: 0, key: IndexKey(index: 0), pushesKey: false)
        if storage.unsupported || storage.bytes.count >= Int(Int32.max) { return try foundation(value) }
        guard storage.nodes[0].kind != .unset else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values.")
            )
        }
        var writer = Writer(storage: storage, formatting: formatting)
        do {
            try writer.write(0, depth: 0)
        } catch {
            writer.output.deallocate()
            return try foundation(value)
        }
        return writer.output.takeData()
    }

    private func foundation<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = JSONEncoder.OutputFormatting(rawValue: formatting.rawValue)
        return try encoder.encode(value)
    }
}

// MARK: - Bytes

extension FastJSONEncoder {
    /// A growable byte buffer on `malloc`'d memory, handed to `Data` without copying.
    fileprivate struct ByteBuffer {
        var base: UnsafeMutablePointer<UInt8>
        var count = 0
        var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = malloc(capacity)!.assumingMemoryBound(to: UInt8.self)
        }

        func deallocate() { free(base) }

        func takeData() -> Data {
            Data(bytesNoCopy: base, count: count, deallocator: .free)
        }

        @inline(__always)
        mutating func reserve(_ extra: Int) {
            if count &+ extra > capacity { grow(count + extra) }
        }

        @inline(never)
        mutating func grow(_ needed: Int) {
            capacity = Swift.max(needed, capacity * 2)
            base = realloc(base, capacity)!.assumingMemoryBound(to: UInt8.self)
        }

        @inline(__always)
        mutating func append(_ byte: UInt8) {
            reserve(1)
            base[count] = byte
            count &+= 1
        }

        @inline(__always)
        mutating func append(_ bytes: UnsafePointer<UInt8>, count length: Int) {
            reserve(length)
            let target = UnsafeMutableRawPointer(base + count)
            let source = UnsafeRawPointer(bytes)
            // Keys and most scalars are short: overlapping word moves beat a call to memmove.
            if length >= 8 && length <= 16 {
                target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
                target.storeBytes(of: source.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self), toByteOffset: length - 8, as: UInt64.self)
            } else if length >= 4 && length < 8 {
                target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
                target.storeBytes(of: source.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self), toByteOffset: length - 4, as: UInt32.self)
            } else if length < 4 {
                if length > 0 { base[count] = bytes[0] }
                if length > 1 { base[count + 1] = bytes[1] }
                if length > 2 { base[count + 2] = bytes[2] }
            } else {
                target.copyMemory(from: source, byteCount: length)
            }
            count &+= length
        }

        mutating func append(_ text: StaticString) { append(text.utf8Start, count: text.utf8CodeUnitCount) }

        /// Writes the bytes as the contents of a JSON string (without quotes), escaping what `JSONEncoder` escapes.
        mutating func appendEscaped(_ bytes: UnsafePointer<UInt8>, count length: Int, escapeSlashes: Bool) {
            reserve(length)
            var mark = 0
            var index = 0
            while index < length {
                if index &+ 8 <= length {
                    let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
                    if !Self.needsEscape(word, escapeSlashes: escapeSlashes) {
                        index &+= 8
                        continue
                    }
                }
                let end = Swift.min(index &+ 8, length)
                while index < end {
                    let byte = bytes[index]
                    if byte < 0x20 || byte == 0x22 || byte == 0x5C || (byte == 0x2F && escapeSlashes) {
                        if index > mark { append(bytes + mark, count: index - mark) }
                        appendEscape(byte)
                        mark = index &+ 1
                    }
                    index &+= 1
                }
            }
            if index > mark { append(bytes + mark, count: index - mark) }
        }

        /// Whether any of eight bytes is one JSON escapes: below 0x20, `"`, `\` or (when asked) `/`.
        @inline(__always)
        static func needsEscape(_ word: UInt64, escapeSlashes: Bool) -> Bool {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            // Exact tests for "some byte is below n" and "some byte is zero" on a whole word.
            var hits = (word &- ones &* 0x20) & ~word & highs
            var other = word ^ (ones &* 0x22)
            hits |= (other &- ones) & ~other & highs
            other = word ^ (ones &* 0x5C)
            hits |= (other &- ones) & ~other & highs
            if escapeSlashes {
                other = word ^ (ones &* 0x2F)
                hits |= (other &- ones) & ~other & highs
            }
            return hits != 0
        }

        mutating func appendEscape(_ byte: UInt8) {
            reserve(6)
            base[count] = UInt8(ascii: "\\")
            let short: UInt8 =
                switch byte {
                case 0x22: 0x22
                case 0x5C: 0x5C
                case 0x2F: 0x2F
                case 0x08: UInt8(ascii: "b")
                case 0x0C: UInt8(ascii: "f")
                case 0x0A: UInt8(ascii: "n")
                case 0x0D: UInt8(ascii: "r")
                case 0x09: UInt8(ascii: "t")
                default: 0
                }
            if short != 0 {
                base[count + 1] = short
                count &+= 2
                return
            }
            let hex: StaticString = "0123456789abcdef"
            base[count + 1] = UInt8(ascii: "u")
            base[count + 2] = UInt8(ascii: "0")
            base[count + 3] = UInt8(ascii: "0")
            base[count + 4] = hex.utf8Start[Int(byte >> 4)]
            base[count + 5] = hex.utf8Start[Int(byte & 0xF)]
            count &+= 6
        }

        mutating func appendInteger<Integer: FixedWidthInteger>(_ value: Integer) {
            guard Integer.bitWidth <= 64 else {
                var text = value.description
                text.withUTF8 { append($0.baseAddress!, count: $0.count) }
                return
            }
            reserve(20)
            var magnitude = UInt64(truncatingIfNeeded: value.magnitude)
            if Integer.isSigned && value < 0 {
                base[count] = UInt8(ascii: "-")
                count &+= 1
            }
            var digits: Int = 1
            var probe = magnitude
            while probe >= 10 {
                probe /= 10
                digits &+= 1
            }
            var position = count &+ digits
            count = position
            repeat {
                position &-= 1
                base[position] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
                magnitude /= 10
            } while magnitude != 0
        }

        /// `JSONEncoder`'s spelling of a finite number: `description` without a trailing `.0`.
        mutating func appendFloatingPoint<Number: BinaryFloatingPoint & CustomStringConvertible>(_ value: Number) {
            // Integral doubles below 10^15 print as their digits and `.0`; the integer path is that without `.0`.
            if Number.self == Double.self, value.rounded(.towardZero) == value, abs(value) < 1e15, value != 0 || value.sign == .plus {
                appendInteger(Int64(value))
                return
            }
            var text = value.description
            text.withUTF8 { utf8 in
                var length = utf8.count
                if length >= 2 && utf8[length - 2] == UInt8(ascii: ".") && utf8[length - 1] == UInt8(ascii: "0") { length -= 2 }
                append(utf8.baseAddress!, count: length)
            }
        }
    }
}

// MARK: - Tree

extension FastJSONEncoder {
    fileprivate enum Kind: UInt8 {
        /// Nothing encoded yet: `{}` when written.
        case unset
        /// Its JSON text is in the arena.
        case scalar
        case object
        case array
        /// Its encoding threw; left out.
        case removed
    }

    /// One value, with its key when it is an object's member. Scalars: `start` and `length` are the range of its
    /// JSON text in the arena. Containers: `start` is the first child (-1: none), `length` the number of children
    /// and `last` the last one; children are linked through `next` in the order they were added.
    fileprivate struct Node {
        /// The key's first eight bytes, big-endian, zero-padded: most keys sort on it alone.
        var keyPrefix: UInt64 = 0
        var keyStart: Int32
        var keyLength: Int32
        var start: Int32 = -1
        var length: Int32 = 0
        var last: Int32 = -1
        var next: Int32 = -1
        var kind = Kind.unset
        var keyFlags: UInt8
    }

    fileprivate enum KeyFlag {
        /// The key has a byte JSON escapes.
        static let escape: UInt8 = 1
        /// The key has a byte ≥ 0x80.
        static let nonASCII: UInt8 = 2
    }

    /// The arena: JSON text of scalars and raw UTF-8 of keys, and the tree's nodes (node 0 is the top-level value).
    fileprivate final class Storage {
        // Only one encode's own call chain touches these; skip the dynamic exclusivity checks on the hot path.
        @exclusivity(unchecked) var bytes = ByteBuffer(capacity: 1024)
        @exclusivity(unchecked) var nodes: UnsafeMutablePointer<Node>
        @exclusivity(unchecked) var nodeCount = 1
        @exclusivity(unchecked) var nodeCapacity = 64
        /// Something this encoder leaves to `JSONEncoder` happened.
        @exclusivity(unchecked) var unsupported = false
        let escapeSlashes: Bool

        init(escapeSlashes: Bool) {
            self.escapeSlashes = escapeSlashes
            nodes = .allocate(capacity: nodeCapacity)
            nodes.initialize(to: Node(keyStart: 0, keyLength: 0, keyFlags: 0))
        }

        deinit {
            bytes.deallocate()
            nodes.deallocate()
        }

        @inline(never)
        func growNodes() {
            let grown = UnsafeMutablePointer<Node>.allocate(capacity: nodeCapacity * 2)
            grown.moveInitialize(from: nodes, count: nodeCount)
            nodes.deallocate()
            nodes = grown
            nodeCapacity *= 2
        }

        /// Appends a child to a container node (which must already be an object or array).
        @inline(__always)
        func appendChild(to parent: Int32, keyStart: Int32, keyLength: Int32, keyFlags: UInt8) -> Int32 {
            if nodeCount == nodeCapacity { growNodes() }
            let index = Int32(truncatingIfNeeded: nodeCount)
            (nodes + nodeCount).initialize(to: Node(keyStart: keyStart, keyLength: keyLength, keyFlags: keyFlags))
            nodeCount &+= 1
            let container = nodes + Int(parent)
            if container.pointee.last < 0 {
                container.pointee.start = index
            } else {
                nodes[Int(container.pointee.last)].next = index
            }
            container.pointee.last = index
            container.pointee.length &+= 1
            return index
        }

        /// Appends an object member, copying the key's UTF-8 into the arena.
        func appendMember(to parent: Int32, key: String) -> Int32 {
            let escapeSlashes = self.escapeSlashes
            let (start, length, flags, prefix) = Self.withUTF8(key) { utf8 -> (Int32, Int32, UInt8, UInt64) in
                let start = bytes.count
                var flags: UInt8 = 0
                var prefix: UInt64 = 0
                if let base = utf8.baseAddress {
                    let length = utf8.count
                    bytes.append(base, count: length)
                    var index = 0
                    if length >= 8 {
                        prefix = UInt64(bigEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
                        var high: UInt64 = 0
                        while index &+ 8 <= length {
                            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                            if ByteBuffer.needsEscape(word, escapeSlashes: escapeSlashes) { flags |= KeyFlag.escape }
                            high |= word
                            index &+= 8
                        }
                        if high & 0x8080_8080_8080_8080 != 0 { flags |= KeyFlag.nonASCII }
                    }
                    while index < length {
                        let byte = base[index]
                        if index < 8 { prefix |= UInt64(byte) << (56 &- 8 &* UInt64(index)) }
                        if byte < 0x20 || byte == 0x22 || byte == 0x5C || (byte == 0x2F && escapeSlashes) {
                            flags |= KeyFlag.escape
                        } else if byte >= 0x80 {
                            flags |= KeyFlag.nonASCII
                        }
                        index &+= 1
                    }
                }
                return (Int32(truncatingIfNeeded: start), Int32(truncatingIfNeeded: utf8.count), flags, prefix)
            }
            let member = appendChild(to: parent, keyStart: start, keyLength: length, keyFlags: flags)
            nodes[Int(member)].keyPrefix = prefix
            return member
        }

        /// The string's UTF-8 in place (native and small strings); a copy made contiguous otherwise.
        @inline(__always)
        static func withUTF8<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
            var text = text
            return text.withUTF8(body)
        }

        @inline(__always)
        func appendElement(to parent: Int32) -> Int32 {
            appendChild(to: parent, keyStart: 0, keyLength: 0, keyFlags: 0)
        }

        /// Makes the node a container of the given kind, or notes that `JSONEncoder` must decide.
        func makeContainer(_ node: Int32, _ kind: Kind) {
            let current = nodes[Int(node)].kind
            if current == .unset {
                nodes[Int(node)].kind = kind
            } else if current != kind {
                unsupported = true
            }
        }

        // MARK: Scalars

        @inline(__always)
        func beginScalar(_ node: Int32) -> Bool {
            guard nodes[Int(node)].kind == .unset else {
                unsupported = true
                return false
            }
            nodes[Int(node)].kind = .scalar
            nodes[Int(node)].start = Int32(truncatingIfNeeded: bytes.count)
            return true
        }

        @inline(__always)
        func endScalar(_ node: Int32) {
            nodes[Int(node)].length = Int32(truncatingIfNeeded: bytes.count) &- nodes[Int(node)].start
        }

        func setLiteral(_ node: Int32, _ text: StaticString) {
            guard beginScalar(node) else { return }
            bytes.append(text)
            endScalar(node)
        }

        func setBool(_ node: Int32, _ value: Bool) { setLiteral(node, value ? "true" : "false") }

        func setInteger<Integer: FixedWidthInteger>(_ node: Int32, _ value: Integer) {
            guard beginScalar(node) else { return }
            bytes.appendInteger(value)
            endScalar(node)
        }

        func setString(_ node: Int32, _ value: String) {
            guard beginScalar(node) else { return }
            let escapeSlashes = self.escapeSlashes
            Self.withUTF8(value) { utf8 in
                bytes.reserve(utf8.count + 2)
                bytes.append(UInt8(ascii: "\""))
                if let base = utf8.baseAddress { bytes.appendEscaped(base, count: utf8.count, escapeSlashes: escapeSlashes) }
                bytes.append(UInt8(ascii: "\""))
            }
            endScalar(node)
        }

        func setRaw(_ node: Int32, _ value: String) {
            guard beginScalar(node) else { return }
            Self.withUTF8(value) { if let base = $0.baseAddress { bytes.append(base, count: $0.count) } }
            endScalar(node)
        }

        /// Writes a finite number; the caller has checked (`Impl.check`).
        func setFloatingPoint<Number: BinaryFloatingPoint & CustomStringConvertible>(_ node: Int32, _ value: Number) {
            guard beginScalar(node) else { return }
            bytes.appendFloatingPoint(value)
            endScalar(node)
        }
    }
}

// MARK: - Encoder

extension FastJSONEncoder {
    /// `JSONEncoder`'s coding key for array elements.
    fileprivate struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    /// `JSONEncoder`'s coding key for `superEncoder()`.
    fileprivate struct SuperKey: CodingKey {
        var stringValue: String { "super" }
        var intValue: Int? { nil }
        init() {}
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }

    /// The encoder passed to `encode(to:)`. One instance serves a whole encode: a nested value moves `node` and
    /// pushes its key on `path`, then restores both; only `superEncoder()` makes another (sharing the arena).
    fileprivate final class Impl: Encoder {
        let storage: Storage
        // Only this encode's own call chain touches these; skip the dynamic exclusivity checks on the hot path.
        @exclusivity(unchecked) var node: Int32
        @exclusivity(unchecked) var path: [any CodingKey]

        init(storage: Storage, node: Int32, path: [any CodingKey]) {
            self.storage = storage
            self.node = node
            self.path = path
        }

        var codingPath: [any CodingKey] { path }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            storage.makeContainer(node, .object)
            return KeyedEncodingContainer(KeyedContainer<Key>(impl: self, node: node, depth: path.count, suffix: []))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            storage.makeContainer(node, .array)
            return UnkeyedContainer(impl: self, node: node, depth: path.count, suffix: [])
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleValueContainer(impl: self, node: node)
        }

        // MARK: Errors

        func path(depth: Int, suffix: [any CodingKey]) -> [any CodingKey] { Array(path.prefix(depth)) + suffix }

        /// `JSONEncoder`'s error for NaN and infinities: its path is the encoder's, the value's key (when
        /// `keyed`) and, in an array of numbers, the element's index.
        // No optional key: making one would need its metadata on entry to every caller, error or not.
        @inline(never)
        func nonConforming<Number: BinaryFloatingPoint, Key: CodingKey>(
            _ value: Number,
            key: Key,
            keyed: Bool = true,
            index: Int? = nil
        ) -> EncodingError {
            var codingPath = path
            if keyed { codingPath.append(key) }
            if let index { codingPath.append(IndexKey(index: index)) }
            return EncodingError.invalidValue(
                value,
                EncodingError.Context(codingPath: codingPath, debugDescription: "Unable to encode \(Number.self).\(value) directly in JSON.")
            )
        }

        // MARK: Values

        /// Encodes any value into a node: what `JSONEncoder` spells itself directly, anything else through its
        /// `encode(to:)` with this encoder moved to the node and, when `pushesKey`, `key` pushed on the path.
        // The key is not optional: an `Optional<Key>` costs a metadata lookup per value in this unspecialised code.
        func encodeValue<T: Encodable, Key: CodingKey>(_ value: T, into node: Int32, key: Key, pushesKey: Bool) throws {
            if T.self == String.self { return storage.setString(node, unsafeBitCast(value, to: String.self)) }
            if T.self == Int.self { return storage.setInteger(node, unsafeBitCast(value, to: Int.self)) }
            if T.self == Bool.self { return storage.setBool(node, unsafeBitCast(value, to: Bool.self)) }
            if T.self == Double.self {
                let number = unsafeBitCast(value, to: Double.self)
                guard number.isFinite else { throw nonConforming(number, key: key, keyed: pushesKey) }
                return storage.setFloatingPoint(node, number)
            }
            if T.self == Date.self {
                let number = unsafeBitCast(value, to: Date.self).timeIntervalSinceReferenceDate
                guard number.isFinite else { throw nonConforming(number, key: key, keyed: pushesKey) }
                return storage.setFloatingPoint(node, number)
            }
            if T.self == Data.self { return storage.setString(node, (value as! Data).base64EncodedString()) }
            if T.self == URL.self { return storage.setString(node, (value as! URL).absoluteString) }
            if T.self == Decimal.self { return storage.setRaw(node, (value as! Decimal).description) }
            // Arrays' metadata is looked up at run time: compare only what has an array's size.
            if MemoryLayout<T>.size == MemoryLayout<[Int]>.size {
                let type = ObjectIdentifier(T.self)
                if type == ArrayTypes.strings { return encodeArray(unsafeBitCast(value, to: [String].self), into: node) }
                if type == ArrayTypes.ints { return encodeArray(unsafeBitCast(value, to: [Int].self), into: node) }
                if type == ArrayTypes.doubles {
                    return try encodeNumbers(unsafeBitCast(value, to: [Double].self), into: node, key: key, pushesKey: pushesKey)
                }
            }
            if pushesKey { path.append(key) }
            let saved = self.node
            self.node = node
            defer {
                self.node = saved
                if pushesKey { path.removeLast() }
            }
            try value.encode(to: self)
        }

        func encodeArray<Element: Encodable>(_ elements: [Element], into node: Int32) {
            storage.makeContainer(node, .array)
            for element in elements {
                let child = storage.appendElement(to: node)
                if Element.self == String.self {
                    storage.setString(child, unsafeBitCast(element, to: String.self))
                } else {
                    storage.setInteger(child, unsafeBitCast(element, to: Int.self))
                }
            }
        }

        func encodeNumbers<Key: CodingKey>(_ numbers: [Double], into node: Int32, key: Key, pushesKey: Bool) throws {
            for (index, number) in numbers.enumerated() where !number.isFinite {
                throw nonConforming(number, key: key, keyed: pushesKey, index: index)
            }
            storage.makeContainer(node, .array)
            for number in numbers { storage.setFloatingPoint(storage.appendElement(to: node), number) }
        }

        /// A value of a container that `JSONEncoder` would not have set when its encoding throws is left out.
        @inline(__always)
        func encodeChild<T: Encodable, Key: CodingKey>(_ value: T, into child: Int32, key: Key) throws {
            do {
                try encodeValue(value, into: child, key: key, pushesKey: true)
            } catch {
                storage.nodes[Int(child)].kind = .removed
                throw error
            }
        }
    }

    /// Array types compared by identity (looking them up each time would cost more than the rest of the check).
    fileprivate enum ArrayTypes {
        static let strings = ObjectIdentifier([String].self)
        static let ints = ObjectIdentifier([Int].self)
        static let doubles = ObjectIdentifier([Double].self)
    }
}

// MARK: - Containers

extension FastJSONEncoder {
    fileprivate struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let impl: Impl
        let node: Int32
        let depth: Int
        let suffix: [any CodingKey]

        var codingPath: [any CodingKey] { impl.path(depth: depth, suffix: suffix) }

        @inline(__always)
        private func member(_ key: Key) -> Int32 { impl.storage.appendMember(to: node, key: key.stringValue) }

        mutating func encodeNil(forKey key: Key) throws { impl.storage.setLiteral(member(key), "null") }
        mutating func encode(_ value: Bool, forKey key: Key) throws { impl.storage.setBool(member(key), value) }
        mutating func encode(_ value: String, forKey key: Key) throws { impl.storage.setString(member(key), value) }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            guard value.isFinite else { throw impl.nonConforming(value, key: key) }
            impl.storage.setFloatingPoint(member(key), value)
        }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            guard value.isFinite else { throw impl.nonConforming(value, key: key) }
            impl.storage.setFloatingPoint(member(key), value)
        }
        mutating func encode(_ value: Int, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: Int128, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode(_ value: UInt128, forKey key: Key) throws { impl.storage.setInteger(member(key), value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try impl.encodeChild(value, into: member(key), key: key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = member(key)
            impl.storage.makeContainer(child, .object)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(impl: impl, node: child, depth: depth, suffix: suffix + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = member(key)
            impl.storage.makeContainer(child, .array)
            return UnkeyedContainer(impl: impl, node: child, depth: depth, suffix: suffix + [key])
        }

        mutating func superEncoder() -> any Encoder {
            // JSONEncoder's key for it, under the encoder's path (not this container's).
            let child = impl.storage.appendMember(to: node, key: "super")
            return Impl(storage: impl.storage, node: child, path: Array(impl.path.prefix(depth)) + [SuperKey()])
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            Impl(storage: impl.storage, node: member(key), path: Array(impl.path.prefix(depth)) + [key])
        }
    }

    fileprivate struct UnkeyedContainer: UnkeyedEncodingContainer {
        let impl: Impl
        let node: Int32
        let depth: Int
        let suffix: [any CodingKey]

        var codingPath: [any CodingKey] { impl.path(depth: depth, suffix: suffix) }
        var count: Int { Int(impl.storage.nodes[Int(node)].length) }

        @inline(__always)
        private func element() -> Int32 { impl.storage.appendElement(to: node) }

        mutating func encodeNil() throws { impl.storage.setLiteral(element(), "null") }
        mutating func encode(_ value: Bool) throws { impl.storage.setBool(element(), value) }
        mutating func encode(_ value: String) throws { impl.storage.setString(element(), value) }
        mutating func encode(_ value: Double) throws {
            guard value.isFinite else { throw impl.nonConforming(value, key: IndexKey(index: count)) }
            impl.storage.setFloatingPoint(element(), value)
        }
        mutating func encode(_ value: Float) throws {
            guard value.isFinite else { throw impl.nonConforming(value, key: IndexKey(index: count)) }
            impl.storage.setFloatingPoint(element(), value)
        }
        mutating func encode(_ value: Int) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: Int8) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: Int16) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: Int32) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: Int64) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: Int128) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: UInt) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: UInt8) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: UInt16) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: UInt32) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: UInt64) throws { impl.storage.setInteger(element(), value) }
        mutating func encode(_ value: UInt128) throws { impl.storage.setInteger(element(), value) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            let key = IndexKey(index: count)
            try impl.encodeChild(value, into: element(), key: key)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let key = IndexKey(index: count)
            let child = element()
            impl.storage.makeContainer(child, .object)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(impl: impl, node: child, depth: depth, suffix: suffix + [key]))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let key = IndexKey(index: count)
            let child = element()
            impl.storage.makeContainer(child, .array)
            return UnkeyedContainer(impl: impl, node: child, depth: depth, suffix: suffix + [key])
        }

        mutating func superEncoder() -> any Encoder {
            let key = IndexKey(index: count)
            return Impl(storage: impl.storage, node: element(), path: Array(impl.path.prefix(depth)) + [key])
        }
    }

    fileprivate struct SingleValueContainer: SingleValueEncodingContainer {
        let impl: Impl
        let node: Int32

        var codingPath: [any CodingKey] { impl.path }

        mutating func encodeNil() throws { impl.storage.setLiteral(node, "null") }
        mutating func encode(_ value: Bool) throws { impl.storage.setBool(node, value) }
        mutating func encode(_ value: String) throws { impl.storage.setString(node, value) }
        mutating func encode(_ value: Double) throws {
            guard value.isFinite else { throw impl.nonConforming(value, key: IndexKey(index: 0), keyed: false) }
            impl.storage.setFloatingPoint(node, value)
        }
        mutating func encode(_ value: Float) throws {
            guard value.isFinite else { throw impl.nonConforming(value, key: IndexKey(index: 0), keyed: false) }
            impl.storage.setFloatingPoint(node, value)
        }
        mutating func encode(_ value: Int) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: Int8) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: Int16) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: Int32) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: Int64) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: Int128) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: UInt) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: UInt8) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: UInt16) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: UInt32) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: UInt64) throws { impl.storage.setInteger(node, value) }
        mutating func encode(_ value: UInt128) throws { impl.storage.setInteger(node, value) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            guard impl.storage.nodes[Int(node)].kind == .unset else {
                impl.storage.unsupported = true
                return
            }
            try impl.encodeValue(value, into: node, key: IndexKey(index: 0), pushesKey: false)
            // JSONEncoder stores `{}` for a value that encodes nothing, even at the top level.
            if impl.storage.nodes[Int(node)].kind == .unset { impl.storage.nodes[Int(node)].kind = .object }
        }
    }
}

// MARK: - Writing

extension FastJSONEncoder {
    /// What the writer leaves to `JSONEncoder`.
    fileprivate struct Unsupported: Error {}

    /// An object member to sort: its key's first bytes and its node.
    fileprivate struct Entry {
        var prefix: UInt64
        var index: Int32
    }

    /// Writes the tree as JSON text, sorting each object's members when asked.
    fileprivate struct Writer {
        let nodes: UnsafeMutablePointer<Node>
        let bytes: UnsafeMutablePointer<UInt8>
        let sorted: Bool
        let pretty: Bool
        let escapeSlashes: Bool
        var output: ByteBuffer
        /// Members of the objects being written, each object's run sorted in place.
        var order = [Entry]()
        var indent = 0

        // JSONEncoder's limit: containers nested this deep fail.
        static let maximumDepth = 512

        init(storage: Storage, formatting: Formatting) {
            nodes = storage.nodes
            bytes = storage.bytes.base
            sorted = formatting.contains(.sortedKeys)
            pretty = formatting.contains(.prettyPrinted)
            escapeSlashes = storage.escapeSlashes
            order.reserveCapacity(storage.nodeCount)
            output = ByteBuffer(capacity: storage.bytes.count + storage.nodeCount * 4 + 16)
        }

        mutating func write(_ index: Int32, depth: Int) throws(Unsupported) {
            let node = nodes[Int(index)]
            switch node.kind {
            case .scalar:
                output.append(bytes + Int(node.start), count: Int(node.length))
            case .unset, .object:
                guard depth + 1 < Self.maximumDepth else { throw Unsupported() }
                try writeObject(node, depth: depth + 1)
            case .array:
                guard depth + 1 < Self.maximumDepth else { throw Unsupported() }
                try writeArray(node, depth: depth + 1)
            case .removed:
                break
            }
        }

        mutating func writeArray(_ node: Node, depth: Int) throws(Unsupported) {
            output.append(UInt8(ascii: "["))
            if pretty {
                output.append(UInt8(ascii: "\n"))
                indent += 1
            }
            var first = true
            var child = node.start
            while child >= 0 {
                let next = nodes[Int(child)].next
                if nodes[Int(child)].kind != .removed {
                    if first {
                        first = false
                    } else {
                        output.append(pretty ? ",\n" : ",")
                    }
                    if pretty { writeIndent() }
                    try write(child, depth: depth)
                }
                child = next
            }
            if pretty {
                output.append(UInt8(ascii: "\n"))
                indent -= 1
                writeIndent()
            }
            output.append(UInt8(ascii: "]"))
        }

        mutating func writeObject(_ node: Node, depth: Int) throws(Unsupported) {
            let base = order.count
            var nonASCII = false
            var child = node.start
            while child >= 0 {
                let member = nodes[Int(child)]
                if member.kind != .removed {
                    order.append(Entry(prefix: member.keyPrefix, index: child))
                    if member.keyFlags & KeyFlag.nonASCII != 0 { nonASCII = true }
                }
                child = member.next
            }
            let count = order.count - base
            defer { order.removeLast(count) }
            if count > 1 {
                try sortAndCheck(from: base, count: count, nonASCII: nonASCII)
            }

            output.append(UInt8(ascii: "{"))
            if pretty {
                output.append(UInt8(ascii: "\n"))
                indent += 1
                if count > 0 { writeIndent() }
            }
            for position in base..<base + count {
                if position > base {
                    if pretty {
                        output.append(",\n")
                        writeIndent()
                    } else {
                        output.append(UInt8(ascii: ","))
                    }
                }
                let index = order[position].index
                let member = nodes[Int(index)]
                output.append(UInt8(ascii: "\""))
                if member.keyFlags & KeyFlag.escape != 0 {
                    output.appendEscaped(bytes + Int(member.keyStart), count: Int(member.keyLength), escapeSlashes: escapeSlashes)
                } else {
                    output.append(bytes + Int(member.keyStart), count: Int(member.keyLength))
                }
                output.append(pretty ? "\" : " : "\":")
                if member.kind == .scalar {
                    output.append(bytes + Int(member.start), count: Int(member.length))
                } else {
                    try write(index, depth: depth)
                }
            }
            if pretty {
                output.append(UInt8(ascii: "\n"))
                indent -= 1
                writeIndent()
            }
            output.append(UInt8(ascii: "}"))
        }

        /// Whether one member's key sorts before another's: by UTF-8 bytes, then (only to find repeats) by arrival.
        @inline(__always)
        func precedes(_ a: Entry, _ b: Entry) -> Bool {
            if a.prefix != b.prefix { return a.prefix < b.prefix }
            return precedesAfterPrefix(a.index, b.index)
        }

        func precedesAfterPrefix(_ a: Int32, _ b: Int32) -> Bool {
            let left = nodes[Int(a)]
            let right = nodes[Int(b)]
            let common = Int(min(left.keyLength, right.keyLength))
            if common > 8 {
                let order = memcmp(bytes + Int(left.keyStart) + 8, bytes + Int(right.keyStart) + 8, common - 8)
                if order != 0 { return order < 0 }
            }
            if left.keyLength != right.keyLength { return left.keyLength < right.keyLength }
            return a < b
        }

        /// Sorts the run by key and throws on a repeated key; the run is put back in arrival order when keys are
        /// not sorted.
        mutating func sortAndCheck(from base: Int, count: Int, nonASCII: Bool) throws(Unsupported) {
            let arrival = sorted ? [] : Array(order[base..<base + count])
            if count <= 24 {
                for position in base + 1..<base + count {
                    let item = order[position]
                    var hole = position
                    while hole > base && precedes(item, order[hole - 1]) {
                        order[hole] = order[hole - 1]
                        hole -= 1
                    }
                    order[hole] = item
                }
            } else {
                let writer = self
                order[base..<base + count].sort { writer.precedes($0, $1) }
            }
            for position in base + 1..<base + count where order[position - 1].prefix == order[position].prefix {
                let left = nodes[Int(order[position - 1].index)]
                let right = nodes[Int(order[position].index)]
                if left.keyLength == right.keyLength
                    && memcmp(bytes + Int(left.keyStart), bytes + Int(right.keyStart), Int(left.keyLength)) == 0
                {
                    throw Unsupported()
                }
            }
            if nonASCII {
                // Swift strings compare by canonical equivalence: JSONEncoder's dictionary keeps one of such keys.
                var keys = Set<String>()
                for position in base..<base + count {
                    let member = nodes[Int(order[position].index)]
                    let key = String(
                        decoding: UnsafeBufferPointer(start: bytes + Int(member.keyStart), count: Int(member.keyLength)),
                        as: UTF8.self
                    )
                    guard keys.insert(key).inserted else { throw Unsupported() }
                }
            }
            if !sorted { order.replaceSubrange(base..<base + count, with: arrival) }
        }

        mutating func writeIndent() {
            output.reserve(indent * 2)
            for _ in 0..<indent {
                output.base[output.count] = UInt8(ascii: " ")
                output.base[output.count + 1] = UInt8(ascii: " ")
                output.count += 2
            }
        }
    }
}
