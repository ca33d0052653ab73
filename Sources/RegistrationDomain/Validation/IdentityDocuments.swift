// ID types, sex, and the ID-number rules (证件号码), including GB 11643-1999 for the 居民身份证.

/// The identity document a candidate registers with (证件类型). Raw values are the Chinese names shown to people.
public enum IDType: String, Codable, CaseIterable, Sendable {
    /// 居民身份证: the 18-character resident identity card of mainland China (GB 11643-1999).
    case residentID = "居民身份证"
    /// 军官证: military officer's card.
    case officerID = "军官证"
    /// 警官证: police officer's card.
    case policeOfficerID = "警官证"
    /// 文职干部证: military civilian cadre's card.
    case civilianCadreID = "文职干部证"
    /// 士兵证: soldier's card (士兵（官）证).
    case soldierID = "士兵证"
    /// 军队学员证: military academy cadet's card.
    case militaryCadetID = "军队学员证"
    /// 台湾往来大陆通行证: Taiwan residents' mainland travel permit, 10 characters.
    case taiwanPass = "台湾往来大陆通行证"
    /// 台湾身份证: Taiwan identity card, 10 characters.
    case taiwanID = "台湾身份证"
    /// 香港往来大陆通行证: Hong Kong residents' mainland travel permit, 11 characters.
    case hongKongPass = "香港往来大陆通行证"
    /// 香港身份证: Hong Kong identity card, 8 or 9 characters (the check digit typed without parentheses).
    case hongKongID = "香港身份证"
    /// 澳门往来大陆通行证: Macau residents' mainland travel permit, 11 characters.
    case macauPass = "澳门往来大陆通行证"
    /// 澳门身份证: Macau identity card, 8 characters (typed without the slash and parentheses).
    case macauID = "澳门身份证"
    /// 外籍护照: foreign passport, 6 to 20 characters.
    case foreignPassport = "外籍护照"

    /// A 往来大陆通行证 (Taiwan, Hong Kong, Macau): its number is the pass number an application asks for.
    public var isMainlandPass: Bool { self == .taiwanPass || self == .hongKongPass || self == .macauPass }

    /// The documents of one holder's region, among which a reviewer may correct the type (``isMainland`` types; the
    /// identity card and the pass of Taiwan, of Hong Kong, of Macau; the foreign passport): within one, the name's
    /// rule, the nationality and whether an application needs a pass number stay the same.
    public var correctionGroup: String {
        switch self {
        case .residentID, .officerID, .policeOfficerID, .civilianCadreID, .soldierID, .militaryCadetID: "大陆居民证件"
        case .taiwanPass, .taiwanID: "台湾居民证件"
        case .hongKongPass, .hongKongID: "香港居民证件"
        case .macauPass, .macauID: "澳门居民证件"
        case .foreignPassport: "外籍护照"
        }
    }

    /// True for the six mainland types (resident ID, officer, police officer, civilian cadre, soldier, cadet):
    /// their holders write their name in Chinese characters.
    public var isMainland: Bool {
        switch self {
        case .residentID, .officerID, .policeOfficerID, .civilianCadreID, .soldierID, .militaryCadetID: true
        case .taiwanPass, .taiwanID, .hongKongPass, .hongKongID, .macauPass, .macauID, .foreignPassport: false
        }
    }

    /// The allowed length of the number, in characters.
    ///
    /// From the national guide: 居民身份证 18, Taiwan pass and Taiwan ID 10, Hong Kong and Macau passes 11,
    /// Hong Kong ID 8 or 9, Macau ID 8, foreign passport at least 6. Our own choices, where the guide gives no
    /// length: foreign passport at most 20 (ICAO machine-readable passports carry at most 9 characters, the margin
    /// covers national variants); the five military and police cards 4 to 20 letters and digits.
    public var numberLengths: ClosedRange<Int> {
        switch self {
        case .residentID: 18...18
        case .officerID, .policeOfficerID, .civilianCadreID, .soldierID, .militaryCadetID: 4...20
        case .taiwanPass, .taiwanID: 10...10
        case .hongKongPass, .macauPass: 11...11
        case .hongKongID: 8...9
        case .macauID: 8...8
        case .foreignPassport: 6...20
        }
    }
}

/// Sex (性别). Derived from a 居民身份证 (17th digit odd = male), typed for every other ID type.
public enum Sex: String, Codable, CaseIterable, Sendable {
    /// 男.
    case male = "男"
    /// 女.
    case female = "女"
}

extension Rules {
    /// The GB 11643-1999 weights of the first 17 digits of a 居民身份证.
    static let residentIDWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// The check character indexed by the weighted sum modulo 11.
    static let residentIDCheckCharacters: [Character] = Array("10X98765432")

    /// The GB 11643-1999 check character (ISO 7064 MOD 11-2) for the first 17 digits of a 居民身份证: the sum of
    /// digit × weight (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2), modulo 11, indexes `10X98765432`.
    ///
    /// - Returns: `0`–`9` or `X`; nil unless `first17` is exactly 17 ASCII digits.
    public static func residentIDCheckCharacter(_ first17: String) -> Character? {
        let scalars = Array(first17.unicodeScalars)
        guard scalars.count == 17, scalars.allSatisfy(isASCIIDigit) else { return nil }
        var sum = 0
        for (scalar, weight) in zip(scalars, residentIDWeights) {
            sum += Int(scalar.value - 0x30) * weight
        }
        return residentIDCheckCharacters[sum % 11]
    }

    /// Validates an ID number (证件号码) for its type.
    ///
    /// Every type: not empty; half-width; only ASCII letters and digits (no spaces or punctuation, including long
    /// and short dashes and the parentheses of a Hong Kong check digit); letters upper-case (so that one document
    /// cannot be registered twice under two spellings); the length of ``IDType/numberLengths``.
    ///
    /// 居民身份证 additionally: the old 15-digit form is refused; 17 digits then a digit or an upper-case `X`
    /// (a lower-case `x` is refused with a request to type `X`, never silently changed); positions 7–14 are a real
    /// calendar date `YYYYMMDD` (no judgement on age here, see ``validateAge(birthDate:today:field:)``); the last
    /// character is the check character of ``residentIDCheckCharacter(_:)``.
    ///
    /// - Throws: `id_number.required`, `input.full_width_character`, `id_number.invalid_character`,
    ///   `id_number.legacy_15_digits`, `id_number.length`, `id_number.lowercase_x`, `id_number.format`,
    ///   `id_number.birth_date`, `id_number.check_character`, `id_number.lowercase_letter`.
    public static func validateIDNumber(_ number: String, type: IDType, field: String = "idNumber") throws(Rejection) {
        if number.isEmpty {
            throw Rejection(code: "id_number.required", field: field, message: "请填写\(type.rawValue)号码")
        }
        try validateHalfWidth(number, field: field)
        if !number.unicodeScalars.allSatisfy(isASCIIAlphanumeric) {
            throw Rejection(
                code: "id_number.invalid_character",
                field: field,
                message: "证件号码只能由字母和数字组成，不得有空格、标点符号（包括长连接号、短连接号、括号）"
            )
        }
        if type == .residentID {
            try validateResidentIDNumber(number, field: field)
            return
        }
        if number.unicodeScalars.contains(where: isASCIILower) {
            throw Rejection(
                code: "id_number.lowercase_letter",
                field: field,
                message: "证件号码中的英文字母请使用大写"
            )
        }
        let lengths = type.numberLengths
        if !lengths.contains(number.unicodeScalars.count) {
            let expected =
                lengths.lowerBound == lengths.upperBound
                ? "\(lengths.lowerBound)位"
                : type == .hongKongID ? "8位或9位" : "\(lengths.lowerBound)到\(lengths.upperBound)位"
            throw Rejection(
                code: "id_number.length",
                field: field,
                message: "\(type.rawValue)号码应为\(expected)，当前为\(number.unicodeScalars.count)位"
            )
        }
    }

    /// The 居民身份证 part of ``validateIDNumber(_:type:field:)``; the number is already known to be ASCII
    /// letters and digits.
    /// The province-level codes of GB/T 2260 that begin a 居民身份证 number, with 71 (台湾), 81 (香港), 82 (澳门) and 83
    /// (港澳台居民居住证).
    static let residentIDProvinces: Set<Int> = Set(
        [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65]
            + [71, 81, 82, 83]
    )

    static func validateResidentIDNumber(_ number: String, field: String) throws(Rejection) {
        let scalars = Array(number.unicodeScalars)
        if scalars.count == 15 && scalars.allSatisfy(isASCIIDigit) {
            throw Rejection(
                code: "id_number.legacy_15_digits",
                field: field,
                message: "原15位身份证号码不能使用，请填写18位居民身份证号码"
            )
        }
        if scalars.count != 18 {
            throw Rejection(
                code: "id_number.length",
                field: field,
                message: "居民身份证号码必须为18位，当前为\(scalars.count)位"
            )
        }
        if !scalars[0..<17].allSatisfy(isASCIIDigit) {
            throw Rejection(
                code: "id_number.format",
                field: field,
                message: "居民身份证号码前17位必须为数字，最后一位为数字或大写字母X"
            )
        }
        let last = scalars[17]
        if last == "x" {
            throw Rejection(
                code: "id_number.lowercase_x",
                field: field,
                message: "居民身份证号码最后一位的x请输入大写字母X"
            )
        }
        if !(isASCIIDigit(last) || last == "X") {
            throw Rejection(
                code: "id_number.format",
                field: field,
                message: "居民身份证号码前17位必须为数字，最后一位为数字或大写字母X"
            )
        }
        // GB/T 2260: the first two digits are a province-level division (and 71 台湾, 81 香港, 82 澳门, 83 the
        // residence permits of 港澳台 residents); 00 and the gaps between are no one's.
        if let province = CalendarDate.number(scalars[0..<2]), !Self.residentIDProvinces.contains(Int(province)) {
            throw Rejection(
                code: "id_number.region",
                field: field,
                message: "居民身份证号码前两位\(String(String.UnicodeScalarView(scalars[0..<2])))不是有效的省级行政区划代码，请核对号码"
            )
        }
        if residentIDBirthDate(scalars) == nil {
            throw Rejection(
                code: "id_number.birth_date",
                field: field,
                message: "居民身份证号码第7至14位的出生日期不是有效日期，请核对"
            )
        }
        let first17 = String(String.UnicodeScalarView(scalars[0..<17]))
        if residentIDCheckCharacter(first17) != Character(last) {
            throw Rejection(
                code: "id_number.check_character",
                field: field,
                message: "身份证号码校验位不正确，请核对号码"
            )
        }
    }

    /// The birth date in positions 7–14 (`YYYYMMDD`) of a 居民身份证 number's scalars, if it is a real date.
    static func residentIDBirthDate(_ scalars: [Unicode.Scalar]) -> CalendarDate? {
        guard scalars.count >= 14,
            let year = CalendarDate.number(scalars[6..<10]),
            let month = CalendarDate.number(scalars[10..<12]),
            let day = CalendarDate.number(scalars[12..<14])
        else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// For a 居民身份证: the birth date (positions 7–14) and the sex (17th digit odd = male, even = female).
    /// Call after ``validateIDNumber(_:type:field:)``.
    ///
    /// - Returns: nil unless `number` is a valid 居民身份证 number (it is validated again, so a nil never hides a
    ///   wrong derivation).
    public static func residentIDFacts(_ number: String) -> (birthDate: CalendarDate, sex: Sex)? {
        do {
            try validateIDNumber(number, type: .residentID)
        } catch {
            return nil
        }
        let scalars = Array(number.unicodeScalars)
        guard let birthDate = residentIDBirthDate(scalars) else { return nil }
        let sexDigit = Int(scalars[16].value - 0x30)
        return (birthDate, sexDigit % 2 == 1 ? .male : .female)
    }
}
