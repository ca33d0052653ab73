// Contact details (联系方式): landline, mobile, e-mail, address, postcode.

extension Rules {
    /// Allowed lengths of a landline area code (长途区号3至5位).
    public static let landlineAreaCodeLengths = 3...5
    /// Allowed lengths of a landline number (电话号码6至8位).
    public static let landlineNumberLengths = 6...8
    /// Allowed lengths of a landline extension. Our own choice: the guide only says the extension is optional.
    public static let landlineExtensionLengths = 1...6
    /// Allowed lengths of a mobile number outside the mainland (非大陆地区6到11位); the mainland is exactly 11.
    public static let nonMainlandMobileLengths = 6...11
    /// Allowed e-mail lengths (5到60个字符).
    public static let emailLengths = 5...60
    /// The longest address, in characters (长度不超过30个汉字).
    public static let maximumAddressLength = 30
    /// Allowed postcode lengths outside the mainland (最短3位，最长不得超过6位); the mainland is exactly 6 digits.
    public static let nonMainlandPostcodeLengths = 3...6

    /// Validates a home or work phone: `area code-number[-extension]`, all ASCII digits, separated by the half-width
    /// dash `-`: area code 3 to 5 digits, number 6 to 8 digits, optional extension 1 to 6 digits (e.g.
    /// `010-59935030`, `0371-6583210-8021`).
    ///
    /// The area code is not required to start with `0`, because candidates outside the mainland type their own
    /// region's code.
    ///
    /// - Throws: `input.full_width_character`, `landline.format` (not two or three dash-separated groups of digits),
    ///   `landline.area_code`, `landline.number`, `landline.extension`.
    public static func validateLandline(_ value: String, field: String) throws(Rejection) {
        try validateHalfWidth(value, field: field)
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy(isAllASCIIDigits) else {
            throw Rejection(
                code: "landline.format",
                field: field,
                message: "电话号码格式应为：区号(3至5位)-电话号码(6至8位)-分机号(选填)，例如010-59935030"
            )
        }
        if !landlineAreaCodeLengths.contains(parts[0].unicodeScalars.count) {
            throw Rejection(code: "landline.area_code", field: field, message: "电话区号应为3至5位数字")
        }
        if !landlineNumberLengths.contains(parts[1].unicodeScalars.count) {
            throw Rejection(code: "landline.number", field: field, message: "电话号码应为6至8位数字")
        }
        if parts.count == 3, !landlineExtensionLengths.contains(parts[2].unicodeScalars.count) {
            throw Rejection(code: "landline.extension", field: field, message: "分机号应为1至6位数字")
        }
    }

    /// Validates a mobile number: ASCII digits only (no `+`, country code, spaces or dashes), never starting with
    /// `0`; exactly 11 digits on the mainland, 6 to 11 elsewhere. Only the documented rules: a mainland number is not
    /// additionally required to start with `1`.
    ///
    /// - Throws: `input.full_width_character`, `mobile.invalid_character`, `mobile.leading_zero`, `mobile.length`.
    public static func validateMobile(_ value: String, mainland: Bool, field: String = "contact.mobile") throws(Rejection) {
        try validateHalfWidth(value, field: field)
        if !isAllASCIIDigits(value) {
            throw Rejection(
                code: "mobile.invalid_character",
                field: field,
                message: "手机号码只能由数字组成，不能包含空格、“+”、“-”或国家区号"
            )
        }
        if value.unicodeScalars.first == "0" {
            throw Rejection(code: "mobile.leading_zero", field: field, message: "手机号码第一位不能为0")
        }
        let lengths = mainland ? 11...11 : nonMainlandMobileLengths
        if !lengths.contains(value.unicodeScalars.count) {
            throw Rejection(
                code: "mobile.length",
                field: field,
                message: mainland ? "大陆地区手机号码应为11位" : "非大陆地区手机号码应为6到11位"
            )
        }
    }

    /// Characters allowed in the local part of an e-mail address besides letters and digits (RFC 5322 `atext`,
    /// plus the dot between atoms).
    static let emailLocalPunctuation: Set<Unicode.Scalar> = [
        "!", "#", "$", "%", "&", "'", "*", "+", "-", "/", "=", "?", "^", "_", "`", "{", "|", "}", "~", ".",
    ]

    /// Validates an e-mail address: 5 to 60 characters, half-width ASCII, exactly one `@`, and a sane shape.
    ///
    /// Local part: letters, digits and ``emailLocalPunctuation``, not starting or ending with `.`, no `..`.
    /// Domain: at least two dot-separated labels of letters, digits and `-` (not at either end of a label), and a
    /// last label (top-level domain) of at least two letters. Quoted local parts, IP-literal domains and
    /// internationalised addresses are refused.
    ///
    /// - Throws: `email.length`, `input.full_width_character`, `email.invalid_character`, `email.at_sign`,
    ///   `email.local_part`, `email.domain`.
    public static func validateEmail(_ value: String, field: String = "contact.email") throws(Rejection) {
        if !emailLengths.contains(value.count) {
            throw Rejection(
                code: "email.length",
                field: field,
                message: "电子邮件地址长度应为\(emailLengths.lowerBound)到\(emailLengths.upperBound)个字符"
            )
        }
        try validateHalfWidth(value, field: field)
        if !value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) {
            throw Rejection(
                code: "email.invalid_character",
                field: field,
                message: "电子邮件地址只能包含半角英文字母、数字和符号，不能包含空格或汉字"
            )
        }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count != 2 {
            throw Rejection(
                code: "email.at_sign",
                field: field,
                message: "电子邮件地址必须包含且只包含一个“@”，例如name@example.com"
            )
        }
        let local = parts[0]
        let localValid =
            !local.isEmpty && !local.hasPrefix(".") && !local.hasSuffix(".") && !local.contains("..")
            && local.unicodeScalars.allSatisfy { isASCIIAlphanumeric($0) || emailLocalPunctuation.contains($0) }
        if !localValid {
            throw Rejection(
                code: "email.local_part",
                field: field,
                message: "电子邮件地址“@”前的用户名部分格式不正确"
            )
        }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        let labelsValid = labels.allSatisfy { label in
            !label.isEmpty && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { isASCIIAlphanumeric($0) || $0 == "-" }
        }
        let topLevel = labels.last ?? ""
        if labels.count < 2 || !labelsValid || topLevel.unicodeScalars.count < 2
            || !topLevel.unicodeScalars.allSatisfy(isASCIILetter)
        {
            throw Rejection(
                code: "email.domain",
                field: field,
                message: "电子邮件地址“@”后的域名格式不正确，例如example.com"
            )
        }
    }

    /// Validates a postal address: 1 to 30 characters (Swift `Character`s: each Chinese character, letter or digit
    /// counts once), not blank, half-width (no full-width digits, letters or punctuation such as `，` or `（`), no
    /// control or format characters or line breaks. The guide asks for province, city, district, street and house number;
    /// that completeness is not machine-checkable and is not checked.
    ///
    /// - Throws: `address.required`, `input.full_width_character`, `address.invalid_character`, `address.too_long`.
    public static func validateAddress(_ value: String, field: String = "contact.address") throws(Rejection) {
        if isBlank(value) {
            throw Rejection(code: "address.required", field: field, message: "请填写联系地址")
        }
        try validateHalfWidth(value, field: field)
        // Format characters too (U+202E reverses what follows on the printed notice, U+200B makes two equal-looking
        // addresses differ), as every other typed text refuses them.
        if let scalar = value.unicodeScalars.first(where: { isControlCharacter($0) || isLineBreak($0) }) {
            throw Rejection(
                code: "address.invalid_character",
                field: field,
                message: "联系地址不能包含\(controlCharacterName(scalar))"
            )
        }
        if value.count > maximumAddressLength {
            throw Rejection(
                code: "address.too_long",
                field: field,
                message: "联系地址长度不能超过\(maximumAddressLength)个字，当前为\(value.count)个"
            )
        }
    }

    /// Validates a postcode (邮政编码): on the mainland exactly 6 ASCII digits; elsewhere 3 to 6 ASCII letters or
    /// digits (no spaces or dashes: some regions' postcodes contain letters).
    ///
    /// - Throws: `input.full_width_character`, `postcode.invalid_character`, `postcode.length`.
    public static func validatePostcode(
        _ value: String,
        mainland: Bool,
        field: String = "contact.postcode"
    ) throws(Rejection) {
        try validateHalfWidth(value, field: field)
        let allowed = mainland ? isASCIIDigit : isASCIIAlphanumeric
        if !value.unicodeScalars.allSatisfy(allowed) {
            throw Rejection(
                code: "postcode.invalid_character",
                field: field,
                message: mainland ? "大陆地区邮政编码只能由数字组成" : "邮政编码只能由英文字母和数字组成，不能包含空格或符号"
            )
        }
        let lengths = mainland ? 6...6 : nonMainlandPostcodeLengths
        if !lengths.contains(value.unicodeScalars.count) {
            throw Rejection(
                code: "postcode.length",
                field: field,
                message: mainland ? "大陆地区邮政编码应为6位数字" : "非大陆地区邮政编码应为3到6位"
            )
        }
    }
}
