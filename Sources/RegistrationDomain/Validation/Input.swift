// Generic input rules (half-width, required text) and the character classes shared by the other rules.

extension Rules {
    /// Refuses full-width (全角) input: the full-width forms of ASCII U+FF01–U+FF5E (`Ａ`, `１`, `？`, `，`, …) and the
    /// ideographic space U+3000. All hand-typed input of the national system is half-width (半角).
    ///
    /// Chinese characters and Chinese punctuation outside those ranges (such as `、` or `。`) are not full-width ASCII
    /// variants and are left to the field's own rule.
    ///
    /// - Throws: `input.full_width_character`, naming the first offending character.
    public static func validateHalfWidth(_ value: String, field: String) throws(Rejection) {
        if let scalar = firstFullWidthScalar(in: value) {
            throw Rejection(
                code: "input.full_width_character",
                field: field,
                message: "请使用半角字符输入，“\(Character(scalar))”是全角字符，请关闭全角输入后重新填写"
            )
        }
    }

    /// Requires a value that is not empty and not only whitespace, with at most `maxLength` characters
    /// (counted as Swift `Character`s, so `张` and `é` each count once).
    ///
    /// - Throws: `value.required` when empty or blank, `value.too_long` when longer than `maxLength`.
    public static func validateNonEmpty(_ value: String, maxLength: Int, field: String, label: String? = nil) throws(Rejection) {
        if isBlank(value) {
            throw Rejection(code: "value.required", field: field, message: label.map { "请填写\($0)" } ?? "此项为必填项，不能为空")
        }
        if value.count > maxLength {
            throw Rejection(
                code: "value.too_long",
                field: field,
                message: "\(label ?? "")长度不能超过\(maxLength)个字符，当前为\(value.count)个字符"
            )
        }
    }

    /// Refuses control characters in typed free text (工作单位, 职称, 学校, 专业, reasons, …): every C0 and C1 control
    /// character (line feed, carriage return, tab, escape, …, `U+0000`–`U+001F`, `U+007F`–`U+009F`) and the Unicode
    /// line and paragraph separators `U+2028`, `U+2029`. Such characters cannot be typed into a one-line field; they
    /// come from pasted text or crafted requests, and would break the printed forms, the audit trail and its CSV.
    ///
    /// `allowingLineBreaks` lets `\n` and `\r` through (multi-line staff prose such as an area's refund policy); the
    /// other control characters are still refused.
    ///
    /// - Throws: `input.control_character`, naming the field (by its Chinese label) and the character.
    public static func validateNoControlCharacters(
        _ value: String,
        field: String,
        label: String,
        allowingLineBreaks: Bool = false
    ) throws(Rejection) {
        for scalar in value.unicodeScalars where isControlCharacter(scalar) {
            if allowingLineBreaks && (scalar == "\n" || scalar == "\r") { continue }
            throw Rejection(
                code: "input.control_character",
                field: field,
                message: "\(label)不能包含\(controlCharacterName(scalar))，请删除后重新填写"
            )
        }
    }

    /// A C0 or C1 control character (general category Cc: `U+0000`–`U+001F`, `U+007F`–`U+009F`), the line or
    /// paragraph separator (`U+2028`, `U+2029`), or an invisible format character (general category Cf: the
    /// zero-width space `U+200B`, the byte order mark `U+FEFF`, the bidirectional controls…), which makes a value
    /// that reads like another (北京协和\u{200B}医院) or reorders what follows it.
    static func isControlCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let category = scalar.properties.generalCategory
        return category == .control || category == .format || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// How a message names a control character: 换行符, 回车符, 制表符, or its code point.
    static func controlCharacterName(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x85, 0x2028, 0x2029: return "换行符"
        case 0x0D: return "回车符"
        case 0x09: return "制表符"
        case _ where scalar.properties.generalCategory == .format:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "不可见的格式字符（U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)）"
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "控制字符（U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)）"
        }
    }

    /// Whether a scalar is a full-width ASCII variant (U+FF01–U+FF5E) or the ideographic space (U+3000).
    static func isFullWidth(_ scalar: Unicode.Scalar) -> Bool {
        (0xFF01...0xFF5E).contains(scalar.value) || scalar.value == 0x3000
    }

    /// The first full-width scalar of a value, if any.
    static func firstFullWidthScalar(in value: String) -> Unicode.Scalar? {
        value.unicodeScalars.first(where: isFullWidth)
    }

    /// Empty or only whitespace and newlines.
    static func isBlank(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    /// `0`–`9` (ASCII only).
    static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool {
        (0x30...0x39).contains(scalar.value)
    }

    /// `A`–`Z` (ASCII only).
    static func isASCIIUpper(_ scalar: Unicode.Scalar) -> Bool {
        (0x41...0x5A).contains(scalar.value)
    }

    /// `a`–`z` (ASCII only).
    static func isASCIILower(_ scalar: Unicode.Scalar) -> Bool {
        (0x61...0x7A).contains(scalar.value)
    }

    /// `A`–`Z` or `a`–`z` (ASCII only).
    static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        isASCIIUpper(scalar) || isASCIILower(scalar)
    }

    /// An ASCII letter or digit.
    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isASCIILetter(scalar) || isASCIIDigit(scalar)
    }

    /// Whether every scalar of a non-empty value is an ASCII digit.
    static func isAllASCIIDigits(_ value: some StringProtocol) -> Bool {
        !value.isEmpty && value.unicodeScalars.allSatisfy(isASCIIDigit)
    }

    /// A CJK Unified Ideograph of the basic block (U+4E00–U+9FFF) or of extension A (U+3400–U+4DBF): the Chinese
    /// characters the national system's font covers. Rarer characters are typed as `?`.
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }

    /// The single scalar of a `Character`, or nil when it is made of several (a letter plus a combining mark, a
    /// character plus a variation selector, an emoji sequence, `\r\n`, …).
    static func singleScalar(_ character: Character) -> Unicode.Scalar? {
        let scalars = character.unicodeScalars
        guard scalars.count == 1 else { return nil }
        return scalars.first
    }

    /// Left-pads a non-negative number with zeros to `width` digits.
    static func zeroPadded(_ number: Int, width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
