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
