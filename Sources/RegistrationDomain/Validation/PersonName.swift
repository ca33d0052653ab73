// The candidate's name (姓名) and its pinyin (姓/名 拼音).

extension Rules {
    /// The longest name, in characters, for every ID type (长度不超过28个汉字 / 28个字符).
    public static let maximumNameLength = 28
    /// The longest pinyin value (surname or given name), in letters. Our own choice: 28 syllables of the longest
    /// pinyin spelling would be 168, but names that long are split over the two fields; 100 leaves ample margin.
    public static let maximumPinyinLength = 100

    /// Validates a name as written on the identity document, for certificate printing.
    ///
    /// Mainland ID types (``IDType/isMainland``): Chinese characters only (CJK Unified Ideographs U+4E00–U+9FFF and
    /// extension A U+3400–U+4DBF), no letters, digits, spaces or other punctuation. Two exceptions:
    /// - a minority name may separate its parts with the half-width full stop `.` (never `·` or `．`), never at the
    ///   start or end and never two in a row;
    /// - a character missing from the national font is typed as one half-width `?` per character (fixed later on
    ///   site), anywhere in the name.
    ///
    /// Hong Kong, Macau, Taiwan and foreign ID types: half-width; ASCII letters, Chinese characters (as above), `?`,
    /// and as separators single spaces between words plus `-` and `'` inside a word (`Ying-jeou`, `O'neil`).
    /// The guide's "letters lower-case except the initial" (英文字母除首字母外一律用小写) is read **per word**: every
    /// space-separated word that starts with a letter starts with an upper-case letter, and every other letter of the
    /// word is lower-case, so `Chan Tai Man` and `Ma Ying-jeou` pass while `CHAN TAI MAN`, `chan tai man`,
    /// `McDonald` and `Jean-Pierre` do not (write `Mcdonald`, `Jean-pierre`).
    ///
    /// At most ``maximumNameLength`` (28): Chinese characters (and `?`) of a mainland name, the `.` separators not
    /// counted; characters of every other type's name, counted as Swift `Character`s, separators included.
    ///
    /// - Throws: `name.required`, `input.full_width_character`, `name.invalid_character`, `name.dot_position`
    ///   (mainland), `name.separator_position` and `name.letter_case` (other types), `name.too_long`.
    public static func validateName(_ name: String, idType: IDType, field: String = "name") throws(Rejection) {
        if name.isEmpty {
            throw Rejection(code: "name.required", field: field, message: "请填写姓名")
        }
        try validateHalfWidth(name, field: field)
        if idType.isMainland {
            try validateMainlandName(name, field: field)
        } else {
            try validateNonMainlandName(name, field: field)
        }
        // The guide counts 28 汉字 for mainland names and lets a minority name's `.` through besides (FAQ: 长度不超过28个
        // 汉字（少数民族考生姓名可包含“.”）); other types count 28 characters, separators included.
        let counted = idType.isMainland ? name.filter { $0 != "." }.count : name.count
        if counted > maximumNameLength {
            throw Rejection(
                code: "name.too_long",
                field: field,
                message: idType.isMainland
                    ? "姓名长度不能超过\(maximumNameLength)个汉字（少数民族姓名中的“.”不计），当前为\(counted)个"
                    : "姓名长度不能超过\(maximumNameLength)个字符，当前为\(counted)个"
            )
        }
    }

    /// Scalars people commonly type for the middle dot of a minority name instead of the half-width `.`.
    static let middleDotLookalikes: Set<UInt32> = [0x00B7, 0x2022, 0x2027, 0x2219, 0x22C5, 0x30FB, 0xFF65]

    /// The mainland half of ``validateName(_:idType:field:)``.
    static func validateMainlandName(_ name: String, field: String) throws(Rejection) {
        for character in name {
            if let scalar = singleScalar(character), isChineseCharacter(scalar) || scalar == "?" || scalar == "." {
                continue
            }
            let scalars = character.unicodeScalars
            let message: String
            if scalars.contains(where: { middleDotLookalikes.contains($0.value) }) {
                message = "少数民族姓名中的点请输入半角英文句点“.”"
            } else if scalars.contains(where: { $0.properties.isWhitespace }) {
                message = "姓名中不能有空格，请顶格输入，汉字之间不留空格"
            } else {
                message = "姓名必须为汉字，不得包含英文字母、数字、标点符号或空格；字库中没有的字请用一个半角“?”代替"
            }
            throw Rejection(code: "name.invalid_character", field: field, message: message)
        }
        if name.hasPrefix(".") || name.hasSuffix(".") || name.contains("..") {
            throw Rejection(
                code: "name.dot_position",
                field: field,
                message: "姓名中的“.”只能用于分隔少数民族姓名的各部分，不能在开头、结尾或连续出现"
            )
        }
    }

    /// The Hong Kong, Macau, Taiwan and foreign half of ``validateName(_:idType:field:)``.
    static func validateNonMainlandName(_ name: String, field: String) throws(Rejection) {
        for character in name {
            guard let scalar = singleScalar(character),
                isASCIILetter(scalar) || isChineseCharacter(scalar) || scalar == "?" || scalar == " "
                    || scalar == "-" || scalar == "'"
            else {
                throw Rejection(
                    code: "name.invalid_character",
                    field: field,
                    message: "姓名只能包含半角英文字母、汉字、单词之间的空格以及单词中的连字符“-”和撇号“'”"
                )
            }
        }
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        for word in words {
            let scalars = Array(word.unicodeScalars)
            let separatorMisplaced =
                scalars.isEmpty
                || isWordSeparator(scalars.first!) || isWordSeparator(scalars.last!)
                || zip(scalars, scalars.dropFirst()).contains { isWordSeparator($0) && isWordSeparator($1) }
            if separatorMisplaced {
                throw Rejection(
                    code: "name.separator_position",
                    field: field,
                    message: "姓名开头和结尾不能有空格，单词之间只能有一个空格，连字符和撇号只能出现在单词中间"
                )
            }
            for (index, scalar) in scalars.enumerated() where isASCIILetter(scalar) {
                let mustBeUpper = index == 0
                if mustBeUpper != isASCIIUpper(scalar) {
                    throw Rejection(
                        code: "name.letter_case",
                        field: field,
                        message: "英文姓名每个单词的首字母大写，其余字母一律小写，例如Chan Tai Man"
                    )
                }
            }
        }
    }

    /// `-` or `'`, allowed only inside a word of a non-mainland name.
    static func isWordSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "-" || scalar == "'"
    }

    /// Validates a pinyin value (姓(拼音) or 名(拼音)): required, ASCII letters only (either case, no spaces, digits,
    /// tone marks or `ü`), at most ``maximumPinyinLength`` letters.
    ///
    /// - Throws: `pinyin.required`, `input.full_width_character`, `pinyin.invalid_character`, `pinyin.too_long`.
    public static func validatePinyin(_ value: String, field: String) throws(Rejection) {
        if value.isEmpty {
            throw Rejection(code: "pinyin.required", field: field, message: "请填写姓名拼音")
        }
        try validateHalfWidth(value, field: field)
        if !value.unicodeScalars.allSatisfy(isASCIILetter) {
            throw Rejection(
                code: "pinyin.invalid_character",
                field: field,
                message: "拼音只能由英文字母组成，不能包含空格、数字、声调或其他符号"
            )
        }
        if value.unicodeScalars.count > maximumPinyinLength {
            throw Rejection(
                code: "pinyin.too_long",
                field: field,
                message: "拼音长度不能超过\(maximumPinyinLength)个字母"
            )
        }
    }
}
