import Foundation

/// A compact, positional binary encoding for snapshot states: no keys, fields in a fixed order, LEB128 varints for
/// integers and lengths, UTF-8 strings, a presence byte before optionals.
///
/// Created with `interningStrings`, a writer writes a string too long to be stored inline in a `String` (more than 15
/// UTF-8 bytes) once: its later occurrences are references to the first. A file repeats its ids (an entry's id is its key
/// and its field, an application names its entries, a lock names its application), dates and school names, and each
/// long string read is an allocation; a candidate's snapshot reads about half as many.
///
/// It exists because decoding a 4 KB `CandidateState` through Codable costs ~70 µs however fast the JSON parser is;
/// reading the same state field by field costs a few microseconds. The order of fields is the format: any change to
/// a type written with it is a new `stateSchemaVersion`, and `CompactBinaryTests` checks every field is covered.
public struct CompactBinaryWriter: ~Copyable {
    // A buffer of its own rather than `[UInt8]`: every append to an array checks uniqueness and capacity through the
    // array's header, and a file's state is written field by field (hundreds of small appends per append of the
    // log, on the writer's thread).
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// When interning: the long strings written so far, by the order in which they were first written
    /// (``CompactBinaryReader`` must be told the same).
    private var interned: [String: Int]?

    /// Creates an empty writer; with `interningStrings`, long strings are written once and referred to after.
    public init(capacity: Int = 4096, interningStrings: Bool = false) {
        self.capacity = max(64, capacity)
        base = .allocate(capacity: self.capacity)
        if interningStrings { interned = [:] }
    }

    deinit { base.deallocate() }

    /// The bytes written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The bytes as `Data`.
    public consuming func finish() -> Data { Data(bytes: base, count: count) }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// An unsigned varint.
    @inline(__always)
    public mutating func write(unsigned value: UInt64) {
        reserve(10)
        var value = value
        while value >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: value) | 0x80
            count += 1
            value >>= 7
        }
        base[count] = UInt8(value)
        count += 1
    }

    /// A signed integer, zig-zag encoded.
    public mutating func write(_ value: Int) {
        let wide = Int64(value)
        write(unsigned: UInt64(bitPattern: (wide << 1) ^ (wide >> 63)))
    }

    /// One byte, 0 or 1.
    public mutating func write(_ value: Bool) { append(value ? 1 : 0) }

    /// Length and UTF-8 bytes; when interning, the length shifted left by one (a set low bit is a reference to the
    /// long string of that ordinal written before).
    public mutating func write(_ value: String) {
        var value = value
        let length = value.utf8.count
        guard interned != nil else {
            write(unsigned: UInt64(length))
            writeBytes(of: &value)
            return
        }
        if length > compactBinaryInlineStringBytes {
            if let ordinal = interned![value] {
                write(unsigned: UInt64(ordinal) << 1 | 1)
                return
            }
            interned![value] = interned!.count
        }
        write(unsigned: UInt64(length) << 1)
        writeBytes(of: &value)
    }

    private mutating func writeBytes(of value: inout String) {
        value.withUTF8 { utf8 in
            reserve(utf8.count)
            if let source = utf8.baseAddress { (base + count).update(from: source, count: utf8.count) }
            count += utf8.count
        }
    }

    /// A presence byte, then the value when present.
    @inline(__always)
    public mutating func write<T>(_ value: T?, _ body: (inout CompactBinaryWriter, T) -> Void) {
        guard let value else {
            append(0)
            return
        }
        append(1)
        body(&self, value)
    }

    /// An optional string.
    public mutating func write(_ value: String?) { write(value) { $0.write($1) } }

    /// An optional integer.
    public mutating func write(_ value: Int?) { write(value) { $0.write($1) } }

    /// Count, then each element.
    @inline(__always)
    public mutating func write<T>(_ values: [T], _ body: (inout CompactBinaryWriter, T) -> Void) {
        write(unsigned: UInt64(values.count))
        // Borrowed through the buffer: iterating the array copied (retained) every element, e.g. every application
        // of a review file at each of its writes.
        values.withUnsafeBufferPointer { buffer in
            for index in buffer.indices { body(&self, buffer[index]) }
        }
    }

    /// An array of strings.
    public mutating func write(_ values: [String]) { write(values) { $0.write($1) } }

    /// Count, then key and value of each member, keys in sorted order so equal states encode to equal bytes.
    @inline(__always)
    public mutating func write<T>(_ values: [String: T], _ body: (inout CompactBinaryWriter, T) -> Void) {
        write(unsigned: UInt64(values.count))
        // The members' positions sorted by key: no lookup of each key again, as sorting the keys alone needed.
        var order = Array(values.indices)
        order.sort { values.keys[$0] < values.keys[$1] }
        for index in order {
            write(values.keys[index])
            body(&self, values.values[index])
        }
    }
}

/// Why compact binary bytes could not be read: truncated, overlong or out of range. Nothing is trusted.
public struct CompactBinaryError: Error, Equatable, CustomStringConvertible {
    /// What was wrong, with the byte offset.
    public let description: String

    /// An error saying what was wrong (readers of forms built on this one use it too).
    public init(description: String) { self.description = description }
}

/// Reads what ``CompactBinaryWriter`` wrote, checking every length against the bytes left.
public struct CompactBinaryReader: ~Copyable {
    private let base: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    public private(set) var offset = 0

    /// Whether the bytes were written interning long strings.
    private let interningStrings: Bool
    /// When interning: the long strings read so far, by ordinal.
    private var interned: [String] = []

    /// Reads from `bytes`, which must outlive the reader (use inside `withUnsafeBytes`); `interningStrings` as the
    /// writer was told.
    public init(_ bytes: UnsafeRawBufferPointer, interningStrings: Bool = false) {
        base = bytes
        self.interningStrings = interningStrings
        if interningStrings { interned.reserveCapacity(32) }
    }

    /// Whether every byte was read.
    public var isAtEnd: Bool { offset == base.count }

    private func failure(_ what: String) -> CompactBinaryError {
        CompactBinaryError(description: "\(what) at byte \(offset) of \(base.count)")
    }

    /// One byte.
    public mutating func byte() throws(CompactBinaryError) -> UInt8 {
        guard offset < base.count else { throw failure("unexpected end") }
        defer { offset += 1 }
        return base[offset]
    }

    /// An unsigned varint of at most ten bytes.
    public mutating func unsigned() throws(CompactBinaryError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64, shift < 63 || next <= 1 else { throw failure("varint too long") }
            result |= UInt64(next & 0x7f) << shift
            if next < 0x80 { return result }
            shift += 7
        }
    }

    /// A zig-zag encoded integer.
    public mutating func int() throws(CompactBinaryError) -> Int {
        let raw = try unsigned()
        let value = Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
        guard let int = Int(exactly: value) else { throw failure("integer out of range") }
        return int
    }

    /// A byte that must be 0 or 1.
    public mutating func bool() throws(CompactBinaryError) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw failure("not a boolean")
        }
    }

    /// A length no larger than the bytes left (every element takes at least one byte).
    public mutating func count() throws(CompactBinaryError) -> Int {
        let value = try unsigned()
        guard value <= UInt64(base.count - offset) else { throw failure("length \(value) past the end") }
        return Int(value)
    }

    /// A string, its UTF-8 validated.
    public mutating func string() throws(CompactBinaryError) -> String {
        guard interningStrings else { return try literal(length: try count()) }
        let header = try unsigned()
        if header & 1 == 1 {
            let ordinal = header >> 1
            guard ordinal < UInt64(interned.count) else { throw failure("reference to string \(ordinal) of \(interned.count)") }
            return interned[Int(ordinal)]
        }
        let length = header >> 1
        guard length <= UInt64(base.count - offset) else { throw failure("length \(length) past the end") }
        let string = try literal(length: Int(length))
        if length > UInt64(compactBinaryInlineStringBytes) { interned.append(string) }
        return string
    }

    /// `length` bytes of UTF-8, validated.
    @inline(__always)
    private mutating func literal(length: Int) throws(CompactBinaryError) -> String {
        let bytes = UnsafeRawBufferPointer(rebasing: base[offset..<(offset + length)]).bindMemory(to: UInt8.self)
        // `String(decoding:)` repairs invalid UTF-8, so the bytes were valid exactly when the result has them
        // unchanged; several times faster than the generic `String(validating:as:)`.
        var string = String(decoding: bytes, as: UTF8.self)
        let valid = string.utf8.count == length && string.withUTF8 { length == 0 || memcmp($0.baseAddress!, bytes.baseAddress!, length) == 0 }
        guard valid else { throw failure("invalid UTF-8") }
        offset += length
        return string
    }

    /// A presence byte, then the value when present.
    @inline(__always)
    public mutating func optional<T>(_ body: (inout CompactBinaryReader) throws -> T) throws -> T? {
        try bool() ? try body(&self) : nil
    }

    /// An optional string.
    public mutating func optionalString() throws -> String? { try optional { try $0.string() } }

    /// An optional integer.
    public mutating func optionalInt() throws -> Int? { try optional { try $0.int() } }

    /// Count, then each element.
    @inline(__always)
    public mutating func array<T>(_ body: (inout CompactBinaryReader) throws -> T) throws -> [T] {
        let count = try count()
        var values = [T]()
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try body(&self)) }
        return values
    }

    /// An array of strings.
    public mutating func strings() throws -> [String] { try array { try $0.string() } }

    /// Count, then key and value of each member; a repeated key is an error.
    @inline(__always)
    public mutating func dictionary<T>(_ body: (inout CompactBinaryReader) throws -> T) throws -> [String: T] {
        let count = try count()
        var values = [String: T](minimumCapacity: count)
        for _ in 0..<count {
            let key = try string()
            guard values.updateValue(try body(&self), forKey: key) == nil else { throw failure("repeated key \(key)") }
        }
        return values
    }

    /// A value of a `String` raw-value enum.
    @inline(__always)
    public mutating func raw<T: RawRepresentable>(_ type: T.Type) throws -> T where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else { throw failure("unknown \(T.self) \(text)") }
        return value
    }
}

/// A type with a compact binary form (snapshot states and their parts).
public protocol CompactBinaryCodable {
    /// How many stored properties the binary form writes; a test compares it with the type's stored properties, so
    /// a new field cannot be forgotten.
    static var compactFieldCount: Int { get }
    /// Writes every stored property, in declaration order.
    func write(to writer: inout CompactBinaryWriter)
    /// Reads what ``write(to:)`` wrote.
    init(from reader: inout CompactBinaryReader) throws
}

extension CompactBinaryWriter {
    /// A nested value.
    public mutating func write<T: CompactBinaryCodable>(_ value: T) { value.write(to: &self) }
}

extension CompactBinaryReader {
    /// A nested value.
    @inline(__always)
    public mutating func read<T: CompactBinaryCodable>(_ type: T.Type) throws -> T { try T(from: &self) }
}

extension CompactBinaryCodable {
    /// The binary form, starting with a format byte; with `interningStrings`, long strings written once.
    public func compactBinary(interningStrings: Bool = false) -> Data {
        var writer = CompactBinaryWriter(interningStrings: interningStrings)
        writer.write(unsigned: interningStrings ? compactBinaryInterningFormat : compactBinaryFormat)
        write(to: &writer)
        return writer.finish()
    }

    /// Reads a whole binary form: the format byte, the value, and nothing after it.
    public init(compactBinary data: Data) throws {
        self = try data.withUnsafeBytes { buffer in
            // Both formats are one-byte varints.
            let format = UInt64(buffer.first ?? 0)
            guard format == compactBinaryFormat || format == compactBinaryInterningFormat else {
                throw CompactBinaryError(description: "format \(format), expected \(compactBinaryFormat) or \(compactBinaryInterningFormat)")
            }
            var reader = CompactBinaryReader(buffer, interningStrings: format == compactBinaryInterningFormat)
            _ = try reader.unsigned()
            let value = try Self(from: &reader)
            guard reader.isAtEnd else {
                throw CompactBinaryError(description: "\(buffer.count - reader.offset) bytes after the value")
            }
            return value
        }
    }
}

/// The first byte of every compact binary form (tells it apart from JSON, whose first byte is `{`).
private let compactBinaryFormat: UInt64 = 1
/// The first byte of a form written interning long strings.
private let compactBinaryInterningFormat: UInt64 = 2
/// The most UTF-8 bytes a `String` stores inline, without an allocation (on 64-bit platforms): shorter strings are
/// never interned.
let compactBinaryInlineStringBytes = 15
