import PropertyBased
import RegistrationDomain
import Testing

@Suite("Education certificate number")
struct EducationCertificateNumberValidationTests {
    /// FAQ:828-830: the number on the certificate, digits only, shorter ones typed as printed (the Hubei guide's
    /// verified 中专 record has 1952471).
    @Test func digitsAsPrintedUpToEighteen() {
        for value in ["1952471", "1", "199905001234", "10001120100500123", "100011201005001234"] {
            expectValidationAccepted { () throws(Rejection) in
                try Rules.validateEducationCertificateNumber(value, field: "education.certificateNumber")
            }
        }
        for (value, expected) in [
            ("1000112010050012345", "certificate_number.length"), ("", "certificate_number.length"),
            ("10001120100500123X", "certificate_number.invalid_character"),
            ("HKU2015001", "certificate_number.invalid_character"),
            ("100011 201005001234", "certificate_number.invalid_character"),
            ("1952-471", "certificate_number.invalid_character"), ("1952471。", "certificate_number.invalid_character"),
        ] {
            #expect(
                validationCode { () throws(Rejection) in try Rules.validateEducationCertificateNumber(value, field: "c") }
                    == expected,
                "\(value)"
            )
        }
    }

    /// FAQ:848-852: where a certificate carries the 18-digit 电子注册号, that is the number typed.
    @Test func exactlyEighteenWhereTheElectronicRegistrationNumberIsRequired() {
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateEducationCertificateNumber("100011201005001234", field: "c", electronicRegistration: true)
        }
        for value in ["12345678", "10001120100500123", "1000112010050012345"] {
            expectValidationRejection("certificate_number.electronic_registration_number", field: "c") { () throws(Rejection) in
                try Rules.validateEducationCertificateNumber(value, field: "c", electronicRegistration: true)
            }
        }
        let rejection = #expect(throws: Rejection.self) {
            try Rules.validateEducationCertificateNumber("12345678", field: "c", electronicRegistration: true)
        }
        #expect(rejection?.message.contains("18位电子注册号") == true && rejection?.message.contains("当前为8位") == true)
    }

    @Test func theElectronicRegistrationNumberIsForMainlandHigherEducationSince2001() {
        #expect(Rules.requiresElectronicRegistrationNumber(mainland: true, higherEducation: true, graduationYear: 2001))
        #expect(!Rules.requiresElectronicRegistrationNumber(mainland: true, higherEducation: true, graduationYear: 2000))
        #expect(!Rules.requiresElectronicRegistrationNumber(mainland: true, higherEducation: false, graduationYear: 2010))
        #expect(!Rules.requiresElectronicRegistrationNumber(mainland: false, higherEducation: true, graduationYear: 2010))
        #expect(!Rules.requiresElectronicRegistrationNumber(mainland: true, higherEducation: true, graduationYear: nil))
    }

    @Test func messagesSayWhatIsExpected() {
        let tooLong = #expect(throws: Rejection.self) { try Rules.validateEducationCertificateNumber("1000112010050012345", field: "c") }
        #expect(tooLong?.message.contains("最多18位数字") == true && tooLong?.message.contains("当前为19位") == true)
        let letters = #expect(throws: Rejection.self) { try Rules.validateEducationCertificateNumber("A123", field: "c") }
        #expect(letters?.message.contains("只能填写数字") == true)
    }

    @Test func reportsTheCallersField() {
        expectValidationRejection("certificate_number.length", field: "education[3].certificateNumber") { () throws(Rejection) in
            try Rules.validateEducationCertificateNumber("1234567890123456789", field: "education[3].certificateNumber")
        }
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            try Rules.validateEducationCertificateNumber("１０００１１２０１００５００１２３４", field: "c")
        }
    }

    @Test func generatedDigitStrings() async {
        await propertyCheck(count: 300, input: Gen.number.string(of: 0...25)) { value in
            let code = validationCode { () throws(Rejection) in try Rules.validateEducationCertificateNumber(value, field: "c") }
            #expect(code == ((1...18).contains(value.count) ? nil : "certificate_number.length"))
            let electronic = validationCode { () throws(Rejection) in
                try Rules.validateEducationCertificateNumber(value, field: "c", electronicRegistration: true)
            }
            #expect(electronic == (value.count == 18 ? nil : "certificate_number.electronic_registration_number"))
        }
    }
}
