/// A JSON body respelled for a request's fingerprint: members of every object sorted by their key's bytes, no
/// insignificant whitespace; strings and numbers as the client wrote them. A retry that orders its members
/// otherwise or indents differently is then the same request.
///
/// Not a validator: the body is checked strictly later, by the route. Anything that does not parse as JSON here is
/// fingerprinted as it is. One pass over the bytes (Foundation's `JSONSerialization` round trip cost a fifth of the
/// server's CPU under the write surge).
enum CanonicalBody {
    /// The canonical bytes of `body`, or `body` itself when it is not JSON.
    static func of(_ body: [UInt8]) -> [UInt8] {
        var reader = Reader(bytes: body)
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        guard reader.value(into: &out, depth: 0), reader.atEnd() else { return body }
        return out
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        /// JSON's insignificant whitespace: space, tab, line feed, carriage return.
        static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        mutating func skipWhitespace() {
            while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
        }

        mutating func atEnd() -> Bool {
            skipWhitespace()
            return index == bytes.count
        }

        /// Appends the canonical form of the value at `index`; false when the bytes are not JSON.
        mutating func value(into out: inout [UInt8], depth: Int) -> Bool {
            skipWhitespace()
            guard index < bytes.count, depth < 64 else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"): return object(into: &out, depth: depth)
            case UInt8(ascii: "["): return array(into: &out, depth: depth)
            case UInt8(ascii: "\""): return string(into: &out)
            default: return scalar(into: &out)
            }
        }

        mutating func object(into out: inout [UInt8], depth: Int) -> Bool {
            index += 1
            var members: [(key: [UInt8], value: [UInt8])] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
                return true
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
                var key: [UInt8] = []
                guard string(into: &key) else { return false }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                index += 1
                var member: [UInt8] = []
                guard value(into: &member, depth: depth + 1) else { return false }
                members.append((key, member))
                skipWhitespace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else { return false }
                index += 1
                break
            }
            members.sort { $0.key.lexicographicallyPrecedes($1.key) }
            out.append(UInt8(ascii: "{"))
            for (offset, member) in members.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: member.key)
                out.append(UInt8(ascii: ":"))
                out.append(contentsOf: member.value)
            }
            out.append(UInt8(ascii: "}"))
            return true
        }

        mutating func array(into out: inout [UInt8], depth: Int) -> Bool {
            index += 1
            out.append(UInt8(ascii: "["))
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                out.append(UInt8(ascii: "]"))
                return true
            }
            var first = true
            while true {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                guard value(into: &out, depth: depth + 1) else { return false }
                skipWhitespace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else { return false }
                index += 1
                out.append(UInt8(ascii: "]"))
                return true
            }
        }

        /// A string with its quotes, as written (escapes included).
        mutating func string(into out: inout [UInt8]) -> Bool {
            let start = index
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    out.append(contentsOf: bytes[start..<index])
                    return true
                default: index += 1
                }
            }
            return false
        }

        /// A number, `true`, `false` or `null`, as written.
        mutating func scalar(into out: inout [UInt8]) -> Bool {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || Self.isWhitespace(byte) {
                    break
                }
                index += 1
            }
            guard index > start else { return false }
            out.append(contentsOf: bytes[start..<index])
            return true
        }
    }
}
