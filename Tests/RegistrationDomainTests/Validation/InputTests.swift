import PropertyBased
import RegistrationDomain
import Testing

/// Printable ASCII, U+0020–U+007E.
private let printableASCII = Gen.unicodeScalar(in: " "..."~").map { Character($0) }

/// The full-width forms of ASCII, U+FF01–U+FF5E.
private let fullWidthForm = Gen.unicodeScalar(in: "\u{FF01}"..."\u{FF5E}").map { Character($0) }

@Suite("Half-width input")
struct HalfWidthValidationTests {
    @Test(arguments: ["abc", "ABC 123", "张三", "北京市海淀区、学院路。", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", ""])
    func halfWidthAndChineseAreAccepted(_ value: String) {
        expectValidationAccepted { () throws(Rejection) in try Rules.validateHalfWidth(value, field: "f") }
    }

    @Test(arguments: ["\u{FF01}", "\u{FF5E}", "Ａ", "ｚ", "０", "，", "？", "（", "\u{3000}", "abc\u{3000}", "北京１号"])
    func fullWidthFormsAreRefused(_ value: String) {
        expectValidationRejection("input.full_width_character", field: "work.unit") { () throws(Rejection) in
            try Rules.validateHalfWidth(value, field: "work.unit")
        }
    }

    @Test func justOutsideTheRangeIsAccepted() {
        // U+FF00 is unassigned and U+FF5F (full-width white parenthesis) is outside the ASCII-variant block.
        for value in ["\u{FF00}", "\u{FF5F}", "\u{FF61}", "\u{3001}"] {
            expectValidationAccepted { () throws(Rejection) in try Rules.validateHalfWidth(value, field: "f") }
        }
    }

    @Test func messageNamesTheCharacter() {
        let rejection = #expect(throws: Rejection.self) { try Rules.validateHalfWidth("abcＸ", field: "f") }
        #expect(rejection?.message.contains("Ｘ") == true)
    }

    @Test func printableASCIIIsAlwaysAcceptedAndAnyFullWidthFormIsRefused() async {
        await propertyCheck(
            count: 300,
            input: printableASCII.string(of: 0...30),
            fullWidthForm,
            Gen.int(in: 0...30)
        ) { text, fullWidth, offset in
            let original = validationCode { () throws(Rejection) in try Rules.validateHalfWidth(text, field: "f") }
            #expect(original == nil)
            let prefix = String(text.prefix(offset))
            let suffix = String(text.dropFirst(offset))
            let changed = prefix + String(fullWidth) + suffix
            let code = validationCode { () throws(Rejection) in try Rules.validateHalfWidth(changed, field: "f") }
            #expect(code == "input.full_width_character")
        }
    }
}

@Suite("Required text")
struct NonEmptyValidationTests {
    @Test func emptyAndBlankAreRequired() {
        for value in ["", " ", "\n\t", "\u{3000}"] {
            expectValidationRejection("value.required", field: "work.unit") { () throws(Rejection) in
                try Rules.validateNonEmpty(value, maxLength: 10, field: "work.unit")
            }
        }
    }

    @Test func maximumLengthCountsCharacters() {
        expectValidationAccepted { () throws(Rejection) in try Rules.validateNonEmpty("北京大学", maxLength: 4, field: "school") }
        expectValidationAccepted { () throws(Rejection) in try Rules.validateNonEmpty("e\u{301}", maxLength: 1, field: "x") }
        expectValidationRejection("value.too_long", field: "school") { () throws(Rejection) in
            try Rules.validateNonEmpty("北京大学医学部", maxLength: 4, field: "school")
        }
    }

    @Test func generatedLengths() async {
        await propertyCheck(count: 200, input: Gen.letterOrNumber.string(of: 1...30), Gen.int(in: 1...30)) { value, maximum in
            let code = validationCode { () throws(Rejection) in try Rules.validateNonEmpty(value, maxLength: maximum, field: "f")
            }
            #expect(code == (value.count <= maximum ? nil : "value.too_long"))
        }
    }
}

@Suite("Control characters in free text")
struct ControlCharacterValidationTests {
    @Test(arguments: ["北京协和医院", "Peking Union Medical College Hospital", "北京大学第一医院(北大医院)", "内科 主治医师", ""])
    func ordinaryTextIsAccepted(_ value: String) {
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateNoControlCharacters(value, field: "work.workUnit", label: "工作单位")
        }
    }

    /// C0 (line feed, carriage return, tab, NUL, escape), DEL, C1 (U+0080, NEL U+0085, U+009F), U+2028, U+2029.
    @Test(arguments: [
        "北京\n协和医院", "北京\r协和医院", "北京\t协和医院", "\u{0}", "\u{1B}[31m", "a\u{7F}", "a\u{80}", "a\u{85}b", "a\u{9F}",
        "北京\u{2028}协和", "北京\u{2029}协和", "北京协和医院\r\n",
    ])
    func controlCharactersAreRefusedNamingTheField(_ value: String) {
        expectValidationRejection("input.control_character", field: "work.workUnit") { () throws(Rejection) in
            try Rules.validateNoControlCharacters(value, field: "work.workUnit", label: "工作单位")
        }
        let rejection = #expect(throws: Rejection.self) {
            try Rules.validateNoControlCharacters(value, field: "work.workUnit", label: "工作单位")
        }
        #expect(rejection?.message.hasPrefix("工作单位不能包含") == true, "\(rejection?.message ?? "")")
    }

    @Test func theMessageNamesTheCharacter() {
        func message(_ value: String) -> String? {
            do {
                try Rules.validateNoControlCharacters(value, field: "f", label: "专业")
                return nil
            } catch {
                return error.message
            }
        }
        #expect(message("a\nb")?.contains("换行符") == true)
        #expect(message("a\u{2028}b")?.contains("换行符") == true)
        #expect(message("a\tb")?.contains("制表符") == true)
        #expect(message("a\rb")?.contains("回车符") == true)
        #expect(message("a\u{1B}b")?.contains("U+001B") == true)
    }

    @Test func lineBreaksMayBeAllowedButNoOtherControlCharacter() {
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateNoControlCharacters("第一条\n第二条\r\n第三条", field: "refundPolicy", label: "退费说明", allowingLineBreaks: true)
        }
        for value in ["第一条\t第二条", "a\u{2028}b", "a\u{0}"] {
            expectValidationRejection("input.control_character", field: "refundPolicy") { () throws(Rejection) in
                try Rules.validateNoControlCharacters(value, field: "refundPolicy", label: "退费说明", allowingLineBreaks: true)
            }
        }
    }

    @Test func everyScalarOfTheControlRangesIsRefused() {
        // Cc, the line and paragraph separators, and the invisible format characters (Cf) a value could hide.
        let controls = Array(0x00...0x1F) + Array(0x7F...0x9F) + [0x2028, 0x2029, 0x200B, 0x200E, 0x202A, 0x202E, 0x2066, 0xFEFF, 0xAD]
        for value in controls {
            let text = "医院" + String(Character(Unicode.Scalar(UInt32(value))!))
            #expect(
                validationCode { () throws(Rejection) in try Rules.validateNoControlCharacters(text, field: "f", label: "学校") }
                    == "input.control_character",
                "U+\(String(value, radix: 16))"
            )
        }
        // Neighbours that are not: space, U+00A0 (a no-break space, visible as a space), U+2027, U+3000.
        for value in [0x20, 0xA0, 0x2027, 0x3000] {
            let text = "医院" + String(Character(Unicode.Scalar(UInt32(value))!))
            #expect(validationCode { () throws(Rejection) in try Rules.validateNoControlCharacters(text, field: "f", label: "学校") } == nil)
        }
    }
}
