// Certificate numbers of the profile's education entries (毕业证书编号).

extension Rules {
    /// The length of an education certificate number: the 18-digit electronic registration number (电子注册号).
    public static let educationCertificateNumberLength = 18

    /// Validates an education certificate number (毕业证书编号): exactly 18 ASCII digits, no letters, spaces or
    /// punctuation. An empty value is refused too; the caller decides when the number may be left empty (当年毕业研究生,
    /// 硕博连读, 师承/确有专长, 无学历) and skips this rule then.
    ///
    /// - Throws: `input.full_width_character`, `certificate_number.invalid_character`, `certificate_number.length`.
    public static func validateEducationCertificateNumber(_ value: String, field: String) throws(Rejection) {
        try validateHalfWidth(value, field: field)
        if !value.unicodeScalars.allSatisfy(isASCIIDigit) {
            throw Rejection(
                code: "certificate_number.invalid_character",
                field: field,
                message: "毕业证书编号只能由数字组成，不能包含字母、空格或符号"
            )
        }
        if value.unicodeScalars.count != educationCertificateNumberLength {
            throw Rejection(
                code: "certificate_number.length",
                field: field,
                message: "毕业证书编号应为\(educationCertificateNumberLength)位数字，当前为\(value.unicodeScalars.count)位"
            )
        }
    }
}

// Numbers and names the guides say are typed without spaces or punctuation (不得有空格、标点符号).

extension Rules {
    /// Validates a value typed without spaces, punctuation or symbols: 执业助理医师 certificate and registration
    /// numbers (注册登记号), training certificate numbers, a graduate student's internship unit. Chinese characters,
    /// letters and digits pass.
    ///
    /// - Throws: `value.space_or_punctuation`, naming the first offending character.
    public static func validateNoSpacesOrPunctuation(_ value: String, field: String, label: String) throws(Rejection) {
        for scalar in value.unicodeScalars where isSpaceOrPunctuation(scalar) {
            let shown = scalar.properties.isWhitespace ? "空格" : "“\(Character(scalar))”"
            throw Rejection(
                code: "value.space_or_punctuation",
                field: field,
                message: "\(label)不得有空格、标点符号，请删除其中的\(shown)"
            )
        }
    }

    private static func isSpaceOrPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return true }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
            .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format:
            return true
        default:
            return false
        }
    }
}
