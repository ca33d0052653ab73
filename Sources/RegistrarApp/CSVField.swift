/// One CSV cell (RFC 4180), for every CSV export: a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` so
/// that a spreadsheet shows the text instead of running it as a formula (OWASP's list for CSV injection).
public enum CSVField {
    /// The cell text; quoted when it needs to be, or always when `alwaysQuoted`.
    public static func escape(_ value: String, alwaysQuoted: Bool = false) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard alwaysQuoted || text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
