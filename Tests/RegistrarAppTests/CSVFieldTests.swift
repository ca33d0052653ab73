import RegistrarApp
import Testing

/// The cells of every CSV export (`registrar trace --format csv`, the auditor's `/audit.csv`).
@Suite struct CSVFieldTests {
    @Test("plain text is left as it is; separators, quotes and line breaks are quoted, quotes doubled")
    func quoting() {
        #expect(CSVField.escape("李文博") == "李文博")
        #expect(CSVField.escape("a,b") == "\"a,b\"")
        #expect(CSVField.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVField.escape("line\nbreak") == "\"line\nbreak\"")
        #expect(CSVField.escape("x", alwaysQuoted: true) == "\"x\"")
        #expect(CSVField.escape("", alwaysQuoted: true) == "\"\"")
    }

    @Test(
        "a value a spreadsheet would run as a formula is shown as text",
        arguments: ["=HYPERLINK(\"http://evil.example\")", "+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]
    )
    func formulaInjection(value: String) {
        let cell = CSVField.escape(value)
        let unquoted = cell.hasPrefix("\"") ? String(cell.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") : cell
        #expect(unquoted == "'" + value, "\(value.debugDescription) → \(cell.debugDescription)")
    }

    @Test("a sign or formula character later in the value changes nothing")
    func innerCharacters() {
        #expect(CSVField.escape("1+1=2") == "1+1=2")
        #expect(CSVField.escape("a@b.cn") == "a@b.cn")
    }
}
