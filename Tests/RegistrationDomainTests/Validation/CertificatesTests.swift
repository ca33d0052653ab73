import PropertyBased
import RegistrationDomain
import Testing

@Suite("Education certificate number")
struct EducationCertificateNumberValidationTests {
    @Test func eighteenDigitsExactly() {
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateEducationCertificateNumber("100011201005001234", field: "education[0].certificateNumber")
        }
        for (value, expected) in [
            ("10001120100500123", "certificate_number.length"), ("1000112010050012345", "certificate_number.length"),
            ("", "certificate_number.length"), ("10001120100500123X", "certificate_number.invalid_character"),
            ("100011 201005001234", "certificate_number.invalid_character"),
            ("100011-201005001234", "certificate_number.invalid_character"),
        ] {
            #expect(
                validationCode { () throws(Rejection) in try Rules.validateEducationCertificateNumber(value, field: "c") }
                    == expected,
                "\(value)"
            )
        }
    }

    @Test func reportsTheCallersField() {
        expectValidationRejection("certificate_number.length", field: "education[3].certificateNumber") { () throws(Rejection) in
            try Rules.validateEducationCertificateNumber("123", field: "education[3].certificateNumber")
        }
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateEducationCertificateNumber("１０００１１２０１００５００１２３４", field: "c")
        }
    }

    @Test func generatedDigitStrings() async {
        await propertyCheck(count: 300, input: Gen.number.string(of: 0...25)) { value in
            let code = validationCode { () throws(Rejection) in try Rules.validateEducationCertificateNumber(value, field: "c") }
            #expect(code == (value.count == 18 ? nil : "certificate_number.length"))
        }
    }
}
