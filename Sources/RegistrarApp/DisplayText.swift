/// Values made safe for output that is read line by line (`registrar trace` and `replay` text, the trail page):
/// a value can never start a line of its own or reorder what follows it, whatever the log holds.
///
/// Escaped: the C0 controls (`\n`, `\r`, `\t` by name, the others as `\u001B`), DEL and the C1 controls
/// (`\u0085`), the line and paragraph separators U+2028 and U+2029, and the bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069), which can make a row read otherwise than it is written, and the other
/// invisible format characters (U+200B, U+FEFF…), which make a value read like another. A backslash
/// is doubled, so that an escape is never ambiguous with text typed as such. Everything else passes unchanged.
/// Values are validated on the way in too; this holds for events already in logs.
public enum DisplayText {
    /// The value with every character of the list above escaped.
    public static func escaped(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: needsEscape) else { return value }
        var out = ""
        out.reserveCapacity(value.utf8.count + 8)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(scalar):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// An optional value escaped (nil stays nil).
    public static func escaped(_ value: String?) -> String? { value.map { escaped($0) } }

    /// Whether the value needs escaping.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool { scalar == "\\" || isControl(scalar) }

    /// A control, separator or bidirectional formatting character (the list of ``DisplayText``).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        // The other invisible format characters (zero-width space, byte order mark…): shown, not hidden.
        default: scalar.properties.generalCategory == .format
        }
    }
}
