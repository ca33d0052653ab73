import RegistrarApp
import Testing

@Suite("Display text: values made safe for output read line by line")
struct DisplayTextTests {
    @Test("line breaks, tabs, C0 and C1 controls, separators and bidirectional overrides are escaped; a backslash doubled")
    func escapes() {
        #expect(DisplayText.escaped("医院\n#3999 伪造") == #"医院\n#3999 伪造"#)
        #expect(DisplayText.escaped("a\r\nb\tc") == #"a\r\nb\tc"#)
        #expect(DisplayText.escaped("\u{0}\u{1B}\u{7F}") == #"\u0000\u001B\u007F"#)
        #expect(DisplayText.escaped("x\u{85}y\u{9F}") == #"x\u0085y\u009F"#)
        #expect(DisplayText.escaped("\u{2028}\u{2029}") == #"\u2028\u2029"#)
        #expect(DisplayText.escaped("\u{202E}abc\u{2066}") == #"\u202Eabc\u2066"#)
        #expect(DisplayText.escaped(#"C:\n"#) == #"C:\\n"#, "typed text never reads as an escape")
    }

    @Test("everything else passes unchanged, Chinese and full-width text included")
    func unchanged() {
        for value in ["北京大学第三医院", "=cmd|' /C calc'!A0", "２０２６　年", "", "a b", "emoji 🩺"] {
            #expect(DisplayText.escaped(value) == value)
        }
        #expect(DisplayText.escaped(nil as String?) == nil)
        let every = String(String.UnicodeScalarView((0...0x3000).compactMap(Unicode.Scalar.init)))
        #expect(!DisplayText.escaped(every).unicodeScalars.contains { DisplayText.isControl($0) })
    }
}
