// Certificate numbers of the profile's education entries (毕业证书编号).

extension Rules {
    /// The length of the electronic registration number (电子注册号) of a higher-education certificate, and the most
    /// digits any education certificate number has.
    public static let educationCertificateNumberLength = 18

    /// The first graduation year whose mainland higher-education certificates (专科 and above) carry the 18-digit
    /// electronic registration number: the year electronic registration began (学信网: 2001年以来国家承认的高等教育学历).
    public static let electronicRegistrationSince = 2001

    /// Whether a certificate carries the 18-digit electronic registration number, which is then what the candidate
    /// types (the guide: 毕业证书上有两个号码……网上报名时，毕业证书编号填写18位电子注册号): a mainland (大陆) 专科 or
    /// higher certificate of a graduation in 2001 or later. 中专 certificates, earlier ones and those from Hong Kong,
    /// Macau, Taiwan or abroad have none.
    public static func requiresElectronicRegistrationNumber(mainland: Bool, higherEducation: Bool, graduationYear: Int?) -> Bool {
        guard mainland, higherEducation, let graduationYear else { return false }
        return graduationYear >= electronicRegistrationSince
    }

    /// Validates a typed education certificate number (毕业证书编号): the number printed on that certificate, ASCII
    /// digits only (no letters, spaces or punctuation: 证书编号必须输入数字, 不得有空格、标点符号), at most 18 of them; a
    /// shorter number is typed as printed (不足17位的由左向右逐一填写). When `electronicRegistration` is true (see
    /// ``requiresElectronicRegistrationNumber(mainland:higherEducation:graduationYear:)``) exactly the 18-digit
    /// electronic registration number. An empty value is refused; the caller decides when the number may be left
    /// empty and skips this rule then.
    ///
    /// - Throws: `input.full_width_character`, `certificate_number.invalid_character`, `certificate_number.length`
    ///   (more than 18 digits, or empty), `certificate_number.electronic_registration_number` (not the 18 digits of
    ///   the electronic registration number where one is required).
    public static func validateEducationCertificateNumber(
        _ value: String,
        field: String,
        electronicRegistration: Bool = false
    ) throws(Rejection) {
        try validateHalfWidth(value, field: field)
        if !value.unicodeScalars.allSatisfy(isASCIIDigit) {
            throw Rejection(
                code: "certificate_number.invalid_character",
                field: field,
                message: "毕业证书编号只能填写数字，不能包含字母、空格或标点符号，请按毕业证书上的编号填写"
            )
        }
        let count = value.unicodeScalars.count
        if electronicRegistration && count != educationCertificateNumberLength {
            throw Rejection(
                code: "certificate_number.electronic_registration_number",
                field: field,
                message: "2001年及以后毕业的大陆专科及以上学历，毕业证书编号应填写证书上的\(educationCertificateNumberLength)位电子注册号，"
                    + "当前为\(count)位"
            )
        }
        if count == 0 || count > educationCertificateNumberLength {
            throw Rejection(
                code: "certificate_number.length",
                field: field,
                message: "毕业证书编号为证书上的编号，最多\(educationCertificateNumberLength)位数字，当前为\(count)位"
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
