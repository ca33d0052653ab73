import PropertyBased
import RegistrationDomain
import Testing

@Suite("Landline")
struct LandlineValidationTests {
    @Test(arguments: [
        "010-59935030", "027-87238660", "0371-6583210", "01234-123456", "010-12345678-8021", "852-123456-1",
        "0371-65832100-123456",
    ])
    func accepted(_ value: String) {
        expectValidationAccepted { () throws(Rejection) in try Rules.validateLandline(value, field: "contact.homePhone") }
    }

    @Test(arguments: [
        "01059935030", "010 59935030", "(010)59935030", "010--59935030", "-59935030", "010-",
        "010-59935030-", "010-59935030-12-3", "", "010-5993503a", "+86-10-59935030",
    ])
    func shapeIsAreaCodeDashNumberDashExtension(_ value: String) {
        expectValidationRejection("landline.format", field: "contact.workPhone") { () throws(Rejection) in
            try Rules.validateLandline(value, field: "contact.workPhone")
        }
    }

    @Test func partLengths() {
        let cases: [(String, String?)] = [
            ("01-59935030", "landline.area_code"), ("010-59935030", nil), ("01234-59935030", nil),
            ("012345-59935030", "landline.area_code"), ("010-12345", "landline.number"), ("010-123456", nil),
            ("010-12345678", nil), ("010-123456789", "landline.number"), ("010-123456-123456", nil),
            ("010-123456-1234567", "landline.extension"),
            // Read as area code 010, number 5993 and extension 5030: the number is too short.
            ("010-5993-5030", "landline.number"),
        ]
        for (value, expected) in cases {
            #expect(
                validationCode { () throws(Rejection) in try Rules.validateLandline(value, field: "p") } == expected,
                "\(value)"
            )
        }
    }

    @Test func fullWidthDashesAndDigits() {
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateLandline("010－59935030", field: "p")
        }
    }

    @Test func generatedNumbers() async {
        await propertyCheck(
            count: 300,
            input: Gen.number.string(of: 1...7),
            Gen.number.string(of: 4...10),
            Gen.number.string(of: 0...8)
        ) { area, number, ext in
            let value = ext.isEmpty ? "\(area)-\(number)" : "\(area)-\(number)-\(ext)"
            let expected: String? =
                !(3...5).contains(area.count)
                ? "landline.area_code"
                : !(6...8).contains(number.count)
                    ? "landline.number"
                    : ext.count > 6 ? "landline.extension" : nil
            #expect(validationCode { () throws(Rejection) in try Rules.validateLandline(value, field: "p") } == expected)
        }
    }
}

@Suite("Mobile")
struct MobileValidationTests {
    @Test func mainlandIsExactlyElevenDigits() {
        expectValidationAccepted { () throws(Rejection) in try Rules.validateMobile("13812345678", mainland: true) }
        expectValidationRejection("mobile.length", field: "contact.mobile") { () throws(Rejection) in
            try Rules.validateMobile("1381234567", mainland: true)
        }
        expectValidationRejection("mobile.length") { () throws(Rejection) in
            try Rules.validateMobile("138123456789", mainland: true)
        }
    }

    @Test func elsewhereSixToEleven() {
        for (value, expected) in [
            ("12345", "mobile.length"), ("912345", nil), ("91234567", nil), ("61234567890", nil),
            ("612345678901", "mobile.length"),
        ] as [(String, String?)] {
            #expect(
                validationCode { () throws(Rejection) in try Rules.validateMobile(value, mainland: false) } == expected,
                "\(value)"
            )
        }
    }

    @Test func neverStartsWithZero() {
        for mainland in [true, false] {
            expectValidationRejection("mobile.leading_zero") { () throws(Rejection) in
                try Rules.validateMobile("01381234567", mainland: mainland)
            }
            expectValidationRejection("mobile.leading_zero") { () throws(Rejection) in
                try Rules.validateMobile("0912345", mainland: mainland)
            }
        }
    }

    @Test(arguments: ["+8613812345678", "138 1234 5678", "138-1234-5678", "1381234567a", ""])
    func digitsOnly(_ value: String) {
        expectValidationRejection("mobile.invalid_character", field: "m") { () throws(Rejection) in
            try Rules.validateMobile(value, mainland: true, field: "m")
        }
    }

    @Test func fullWidthDigits() {
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateMobile("１３８１２３４５６７８", mainland: true)
        }
    }

    @Test func generatedNumbers() async {
        await propertyCheck(count: 300, input: Gen.number.string(of: 1...14), Gen.bool) { value, mainland in
            let code = validationCode { () throws(Rejection) in try Rules.validateMobile(value, mainland: mainland) }
            let lengths = mainland ? 11...11 : 6...11
            let expected: String? =
                value.hasPrefix("0") ? "mobile.leading_zero" : lengths.contains(value.count) ? nil : "mobile.length"
            #expect(code == expected)
        }
    }
}

@Suite("E-mail")
struct EmailValidationTests {
    @Test(arguments: ["a@b.cn", "zhang.san@example.com", "li+exam@mail.bjmu.edu.cn", "x_y-z@my-host.org", "a@b.co"])
    func accepted(_ value: String) {
        expectValidationAccepted { () throws(Rejection) in try Rules.validateEmail(value) }
    }

    @Test func lengthFiveToSixty() {
        expectValidationRejection("email.length", field: "contact.email") { () throws(Rejection) in
            try Rules.validateEmail("a@b.")
        }
        expectValidationRejection("email.length") { () throws(Rejection) in try Rules.validateEmail("") }
        let local = String(repeating: "a", count: 51)
        let sixty = local + "@abcd.com"
        #expect(sixty.count == 60)
        expectValidationAccepted { () throws(Rejection) in try Rules.validateEmail(sixty) }
        expectValidationRejection("email.length") { () throws(Rejection) in try Rules.validateEmail("a" + sixty) }
    }

    @Test(arguments: ["zhang.example.com", "a@b@example.com", "@@@@@"])
    func exactlyOneAtSign(_ value: String) {
        expectValidationRejection("email.at_sign") { () throws(Rejection) in try Rules.validateEmail(value) }
    }

    @Test(arguments: ["@example.com", ".zhang@example.com", "zhang.@example.com", "zh..ang@example.com", "zh(a)ng@example.com"])
    func localPartShape(_ value: String) {
        expectValidationRejection("email.local_part") { () throws(Rejection) in try Rules.validateEmail(value) }
    }

    @Test(arguments: [
        "zhang@", "zhang@example", "zhang@.com", "zhang@example.", "zhang@exa..mple.com", "zhang@-example.com",
        "zhang@example-.com", "zhang@example.c", "zhang@example.c0m", "zhang@exa_mple.com", "zhang@[10.0.0.1]",
    ])
    func domainShape(_ value: String) {
        expectValidationRejection("email.domain") { () throws(Rejection) in try Rules.validateEmail(value) }
    }

    @Test(arguments: ["zhang san@example.com", "张三@example.com", "zhang@例子.中国"])
    func onlyPrintableASCII(_ value: String) {
        expectValidationRejection("email.invalid_character") { () throws(Rejection) in try Rules.validateEmail(value) }
    }

    @Test func fullWidthAtSign() {
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateEmail("zhang＠example.com")
        }
    }
}

@Suite("Address")
struct AddressValidationTests {
    @Test func oneToThirtyCharacters() {
        let thirty = "河南省郑州市金水区经三路北段二十五号院三号楼二单元一"
        #expect(thirty.count == 26)
        let exactlyThirty = thirty + "零一室"
        #expect(exactlyThirty.count == 29)
        let thirtyChars = exactlyThirty + "A"
        #expect(thirtyChars.count == 30)
        expectValidationAccepted { () throws(Rejection) in try Rules.validateAddress(thirtyChars) }
        expectValidationAccepted { () throws(Rejection) in try Rules.validateAddress("北") }
        expectValidationAccepted { () throws(Rejection) in try Rules.validateAddress("北京市海淀区学院路38号(北大医学部)") }
        expectValidationRejection("address.too_long", field: "contact.address") { () throws(Rejection) in
            try Rules.validateAddress(thirtyChars + "号")
        }
    }

    @Test func countsCharactersNotScalars() {
        // 30 Characters, 60 scalars.
        let decomposed = String(repeating: "e\u{301}", count: 30)
        expectValidationAccepted { () throws(Rejection) in try Rules.validateAddress(decomposed) }
        expectValidationRejection("address.too_long") { () throws(Rejection) in try Rules.validateAddress(decomposed + "e") }
    }

    @Test func requiredAndClean() {
        expectValidationRejection("address.required") { () throws(Rejection) in try Rules.validateAddress("") }
        expectValidationRejection("address.required") { () throws(Rejection) in try Rules.validateAddress("   ") }
        expectValidationRejection("address.invalid_character") { () throws(Rejection) in try Rules.validateAddress("北京市\n海淀区") }
        // Invisible format characters, as every other typed text refuses them: right-to-left override, zero-width
        // space, byte order mark.
        for invisible in ["\u{202E}", "\u{200B}", "\u{FEFF}"] {
            expectValidationRejection("address.invalid_character") { () throws(Rejection) in try Rules.validateAddress("北京市" + invisible + "海淀区") }
        }
        do {
            try Rules.validateAddress("北京市\u{202E}海淀区")
        } catch {
            #expect(error.message.contains("U+202E"), "\(error.message)")
        }
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in try Rules.validateAddress("北京市海淀区１号") }
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateAddress("北京市（海淀区）")
        }
    }
}

@Suite("Postcode")
struct PostcodeValidationTests {
    @Test func mainlandSixDigits() {
        expectValidationAccepted { () throws(Rejection) in try Rules.validatePostcode("100191", mainland: true) }
        expectValidationAccepted { () throws(Rejection) in try Rules.validatePostcode("010000", mainland: true) }
        expectValidationRejection("postcode.length", field: "contact.postcode") { () throws(Rejection) in
            try Rules.validatePostcode("10019", mainland: true)
        }
        expectValidationRejection("postcode.length") { () throws(Rejection) in
            try Rules.validatePostcode("1001911", mainland: true)
        }
        expectValidationRejection("postcode.invalid_character") { () throws(Rejection) in
            try Rules.validatePostcode("10019A", mainland: true)
        }
        expectValidationRejection("postcode.length") { () throws(Rejection) in try Rules.validatePostcode("", mainland: true) }
    }

    @Test func elsewhereThreeToSix() {
        for (value, expected) in [
            ("10", "postcode.length"), ("100", nil), ("999078", nil), ("1234AB", nil), ("K1A0B6", nil),
            ("1234567", "postcode.length"),
            ("SW1A 1AA", "postcode.invalid_character"), ("123-45", "postcode.invalid_character"),
        ] as [(String, String?)] {
            #expect(
                validationCode { () throws(Rejection) in try Rules.validatePostcode(value, mainland: false) } == expected,
                "\(value)"
            )
        }
    }

    @Test func fullWidthDigits() {
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validatePostcode("１００１９１", mainland: true)
        }
    }
}
