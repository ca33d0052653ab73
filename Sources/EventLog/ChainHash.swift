import Crypto
import Foundation

/// The hash chain's canonical form (version 1), defined once for every store, verifier and importer.
///
/// ```
/// hash = SHA-256( previous_hash (32 bytes; 32 zero bytes before position 1)
///                 ‖ u64be(position) ‖ field(stream_id) ‖ u64be(stream_version)
///                 ‖ field(event_type) ‖ u64be(schema_version) ‖ field(data) ‖ field(metadata) )
/// field(x) = u32be(byte count of x) ‖ bytes of x        (UTF-8 text exactly as stored)
/// ```
/// Length prefixes make the encoding unambiguous; data and metadata are the stored canonical JSON texts, so the
/// verifier hashes columns as they are, without decoding them.
public enum ChainHash {
    /// The previous hash of the first event.
    public static let genesis = Data(repeating: 0, count: 32)

    /// Hashes one event given raw byte buffers (the fast path used by the SQLite scanner).
    public static func hash(
        previous: UnsafeRawBufferPointer,
        position: Int64,
        streamId: UnsafeRawBufferPointer,
        streamVersion: Int,
        type: UnsafeRawBufferPointer,
        schemaVersion: Int,
        data: UnsafeRawBufferPointer,
        metadata: UnsafeRawBufferPointer
    ) -> Data {
        Data(
            digest(
                previous: previous,
                position: position,
                streamId: streamId,
                streamVersion: streamVersion,
                type: type,
                schemaVersion: schemaVersion,
                data: data,
                metadata: metadata
            )
        )
    }

    /// The same hash as a digest value, without allocating (the verifier's hot loop).
    static func digest(
        previous: UnsafeRawBufferPointer,
        position: Int64,
        streamId: UnsafeRawBufferPointer,
        streamVersion: Int,
        type: UnsafeRawBufferPointer,
        schemaVersion: Int,
        data: UnsafeRawBufferPointer,
        metadata: UnsafeRawBufferPointer
    ) -> SHA256.Digest {
        var hasher = SHA256()
        hasher.update(bufferPointer: previous)
        update(&hasher, integer: UInt64(bitPattern: position))
        update(&hasher, field: streamId)
        update(&hasher, integer: UInt64(streamVersion))
        update(&hasher, field: type)
        update(&hasher, integer: UInt64(schemaVersion))
        update(&hasher, field: data)
        update(&hasher, field: metadata)
        return hasher.finalize()
    }

    /// Hashes one event.
    public static func hash(
        previous: Data,
        position: Int64,
        streamId: String,
        streamVersion: Int,
        type: String,
        schemaVersion: Int,
        data: Data,
        metadata: Data
    ) -> Data {
        var streamId = streamId
        var type = type
        return previous.withUnsafeBytes { previous in
            streamId.withUTF8 { streamId in
                type.withUTF8 { type in
                    data.withUnsafeBytes { data in
                        metadata.withUnsafeBytes { metadata in
                            hash(
                                previous: previous,
                                position: position,
                                streamId: UnsafeRawBufferPointer(streamId),
                                streamVersion: streamVersion,
                                type: UnsafeRawBufferPointer(type),
                                schemaVersion: schemaVersion,
                                data: data,
                                metadata: metadata
                            )
                        }
                    }
                }
            }
        }
    }

    /// Recomputes the hash of a recorded event from its own previous hash.
    public static func hash(of event: RecordedEvent) -> Data {
        hash(
            previous: event.previousHash,
            position: event.position,
            streamId: event.streamId,
            streamVersion: event.streamVersion,
            type: event.type,
            schemaVersion: event.schemaVersion,
            data: event.data,
            metadata: event.metadata
        )
    }

    private static func update(_ hasher: inout SHA256, integer: UInt64) {
        withUnsafeBytes(of: integer.bigEndian) { hasher.update(bufferPointer: $0) }
    }

    private static func update(_ hasher: inout SHA256, field: UnsafeRawBufferPointer) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: field.count).bigEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: field)
    }
}

/// Canonical JSON: sorted keys, no escaped slashes. The one encoder for hashed bytes and golden files.
public enum CanonicalJSON {
    /// Encodes a value canonically.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder.encode(value)
    }

    // Byte for byte what `JSONEncoder` writes with `[.sortedKeys, .withoutEscapingSlashes]` (the tests compare both on
    // every golden sample), about three times faster.
    private static let encoder = FastJSONEncoder(formatting: [.sortedKeys, .withoutEscapingSlashes])
}

extension Data {
    /// Lower-case hexadecimal.
    public var hexString: String {
        // Over the buffer rather than `for byte in self`: Data's iterator costs a call per byte (the audit trail
        // writes one hash per event, so a rebuild does this a million times per million events).
        withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 2) { out in
                let digits: StaticString = "0123456789abcdef"
                let table = digits.utf8Start
                for (index, byte) in bytes.enumerated() {
                    out[2 * index] = table[Int(byte >> 4)]
                    out[2 * index + 1] = table[Int(byte & 0x0f)]
                }
                return bytes.count * 2
            }
        }
    }

    /// Parses lower- or upper-case hexadecimal; nil when malformed.
    public init?(hexString: String) {
        let utf8 = Array(hexString.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes)
    }
}
