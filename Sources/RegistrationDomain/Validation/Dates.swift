// Calendar dates, year-months, their strict parsing and the age rule.

/// A calendar date without time zone, in the proleptic Gregorian calendar, years 1 to 9999.
///
/// Encoded (Codable) as the single string `YYYY-MM-DD`; decoding refuses anything that is not a real date.
public struct CalendarDate: Codable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, 1...9999.
    public let year: Int
    /// The month, 1...12.
    public let month: Int
    /// The day of the month, 1...28/29/30/31 depending on the month and year.
    public let day: Int

    /// Creates a date, or nil when it is not a real date (month 13, 30 February, 29 February of a common year,
    /// year outside 1...9999).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (four, two and two ASCII digits, dashes), or nil. `2024-2-9`, `20240209`,
    /// `2024/02/09` and surrounding spaces are all refused.
    public init?(iso: String) {
        let scalars = Array(iso.unicodeScalars)
        guard scalars.count == 10, scalars[4] == "-", scalars[7] == "-",
            let year = CalendarDate.number(scalars[0..<4]),
            let month = CalendarDate.number(scalars[5..<7]),
            let day = CalendarDate.number(scalars[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Parses exactly `YYYYMMDD` (eight ASCII digits), the form CHSI uses for 入学日期 and 毕业日期, or nil.
    public init?(basic: String) {
        let scalars = Array(basic.unicodeScalars)
        guard scalars.count == 8,
            let year = CalendarDate.number(scalars[0..<4]),
            let month = CalendarDate.number(scalars[4..<6]),
            let day = CalendarDate.number(scalars[6..<8])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        "\(Rules.zeroPadded(year, width: 4))-\(Rules.zeroPadded(month, width: 2))-\(Rules.zeroPadded(day, width: 2))"
    }

    /// The year and month of this date (dates from CHSI compare with declared `YYYY-MM` values this way).
    public var yearMonth: YearMonth {
        YearMonth(uncheckedYear: year, month: month)
    }

    /// Completed years from this date (a birth date) to `day`.
    ///
    /// A year is completed on the anniversary of the month and day. Someone born on 29 February completes a year on
    /// 1 March in a common year (28 February is still the day before the anniversary). Negative when `day` is before
    /// this date.
    public func age(on day: CalendarDate) -> Int {
        let years = day.year - year
        let anniversaryReached = (day.month, day.day) >= (month, self.day)
        return anniversaryReached ? years : years - 1
    }

    /// Whether `year` is a Gregorian leap year (divisible by 4, except centuries not divisible by 400).
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of a month (1...12) in a year; 0 for a month outside 1...12.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: isLeapYear(year) ? 29 : 28
        default: 0
        }
    }

    /// Chronological order.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes the string `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "Expected a real date written YYYY-MM-DD, found \(text)"
            )
        }
        self = date
    }

    /// Encodes as the string `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The value of a run of ASCII digits, or nil if any scalar is not an ASCII digit.
    static func number(_ scalars: ArraySlice<Unicode.Scalar>) -> Int? {
        var value = 0
        for scalar in scalars {
            guard Rules.isASCIIDigit(scalar) else { return nil }
            value = value * 10 + Int(scalar.value - 0x30)
        }
        return value
    }
}

/// Year and month, written `YYYY-MM` with a dash (the national system's format for 入学时间, 毕业年月, 获得职称年月,
/// 发证年月, 注册年月, …). Years 1 to 9999.
///
/// Encoded (Codable) as the single string `YYYY-MM`; decoding refuses anything else.
public struct YearMonth: Codable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, 1...9999.
    public let year: Int
    /// The month, 1...12.
    public let month: Int

    /// Creates a year-month, or nil when the year is outside 1...9999 or the month outside 1...12.
    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.init(uncheckedYear: year, month: month)
    }

    /// Parses exactly `YYYY-MM` (four and two ASCII digits and a dash), or nil. `2006-7`, `200607` and `2006/07`
    /// are refused.
    public init?(iso: String) {
        let scalars = Array(iso.unicodeScalars)
        guard scalars.count == 7, scalars[4] == "-",
            let year = CalendarDate.number(scalars[0..<4]),
            let month = CalendarDate.number(scalars[5..<7])
        else { return nil }
        self.init(year: year, month: month)
    }

    /// Trusted initialiser for values already known to be valid.
    init(uncheckedYear year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// `YYYY-MM`.
    public var description: String {
        "\(Rules.zeroPadded(year, width: 4))-\(Rules.zeroPadded(month, width: 2))"
    }

    /// Chronological order.
    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    /// Decodes the string `YYYY-MM`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = YearMonth(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "Expected a year and month written YYYY-MM, found \(text)"
            )
        }
        self = value
    }

    /// Encodes as the string `YYYY-MM`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Rules {
    /// The youngest age allowed to register (年满十八岁).
    public static let minimumAge = 18
    /// The oldest age allowed to register (不超过七十五岁): a candidate may register until the day before their 76th
    /// birthday.
    public static let maximumAge = 75

    /// Parses a year and month written strictly `YYYY-MM` (with a dash, two-digit month), e.g. `2006-07`.
    ///
    /// - Throws: `input.full_width_character` for full-width digits or dashes, `year_month.format` when the shape is
    ///   not `YYYY-MM`, `year_month.invalid_month` when the month is not 01...12 (or the year is 0000).
    public static func parseYearMonth(_ value: String, field: String) throws(Rejection) -> YearMonth {
        try validateHalfWidth(value, field: field)
        let scalars = Array(value.unicodeScalars)
        guard scalars.count == 7, scalars[4] == "-",
            let year = CalendarDate.number(scalars[0..<4]),
            let month = CalendarDate.number(scalars[5..<7])
        else {
            throw Rejection(
                code: "year_month.format",
                field: field,
                message: "年月格式应为YYYY-MM，中间加横杠，月份为两位，例如2006-07"
            )
        }
        guard let yearMonth = YearMonth(year: year, month: month) else {
            throw Rejection(
                code: "year_month.invalid_month",
                field: field,
                message: (1...12).contains(month)
                    ? "“\(value)”不是有效的年月，年份应在0001到9999之间" : "“\(value)”不是有效的年月，月份应在01到12之间"
            )
        }
        return yearMonth
    }

    /// Parses a calendar date written strictly `YYYY-MM-DD`, e.g. `1990-03-07`.
    ///
    /// - Throws: `input.full_width_character` for full-width digits or dashes, `date.format` when the shape is not
    ///   `YYYY-MM-DD`, `date.invalid` when it is not a real date (`2023-02-29`, `2024-04-31`, `2024-13-01`).
    public static func parseCalendarDate(_ value: String, field: String) throws(Rejection) -> CalendarDate {
        try validateHalfWidth(value, field: field)
        let scalars = Array(value.unicodeScalars)
        guard scalars.count == 10, scalars[4] == "-", scalars[7] == "-",
            let year = CalendarDate.number(scalars[0..<4]),
            let month = CalendarDate.number(scalars[5..<7]),
            let day = CalendarDate.number(scalars[8..<10])
        else {
            throw Rejection(
                code: "date.format",
                field: field,
                message: "日期格式应为YYYY-MM-DD，例如1990-03-07"
            )
        }
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            throw Rejection(code: "date.invalid", field: field, message: "“\(value)”不是有效的日期")
        }
        return date
    }

    /// Requires an age, in completed years on `today`, of at least ``minimumAge`` (18) and at most ``maximumAge``
    /// (75). The 18th birthday is the first day allowed; the 76th birthday is the first day refused. See
    /// ``CalendarDate/age(on:)`` for 29 February births.
    ///
    /// - Throws: `birth_date.in_future` when the birth date is after `today`, `age.too_young` under 18,
    ///   `age.too_old` from 76.
    public static func validateAge(
        birthDate: CalendarDate,
        today: CalendarDate,
        field: String = "birthDate"
    ) throws(Rejection) {
        if birthDate > today {
            throw Rejection(code: "birth_date.in_future", field: field, message: "出生日期不能晚于今天")
        }
        let age = birthDate.age(on: today)
        if age < minimumAge {
            throw Rejection(code: "age.too_young", field: field, message: "考生须年满十八周岁")
        }
        if age > maximumAge {
            throw Rejection(code: "age.too_old", field: field, message: "考生年龄不得超过七十五周岁")
        }
    }

    /// Requires `end` not to be before `start` (e.g. 毕业年月 not before 入学时间); the same month is allowed.
    ///
    /// - Throws: `year_month.before_start`, reported at `field` (the later value's field).
    public static func validateNotBefore(_ end: YearMonth, start: YearMonth, field: String) throws(Rejection) {
        if end < start {
            throw Rejection(
                code: "year_month.before_start",
                field: field,
                message: "\(end)早于开始年月\(start)，请核对"
            )
        }
    }

    /// Requires a year-month not before the month of birth (`birthDate` as the basic information keeps it,
    /// `YYYY-MM-DD`; no check without it): an education, a training or a certificate cannot precede the person.
    ///
    /// - Throws: `year_month.before_birth`.
    public static func validateNotBeforeBirth(_ value: YearMonth, birthDate: String?, field: String) throws(Rejection) {
        guard let birthDate, let born = YearMonth(iso: String(birthDate.prefix(7))), value < born else { return }
        throw Rejection(
            code: "year_month.before_birth",
            field: field,
            message: "\(value)早于出生年月\(born)，请核对"
        )
    }

    /// Requires a year-month not later than the month of `today` (e.g. 获得职称年月, 发证年月, 注册年月 lie in the past).
    ///
    /// - Throws: `year_month.in_future`.
    public static func validateNotInFuture(_ value: YearMonth, today: CalendarDate, field: String) throws(Rejection) {
        if value > today.yearMonth {
            throw Rejection(
                code: "year_month.in_future",
                field: field,
                message: "\(value)晚于当前年月\(today.yearMonth)，请核对"
            )
        }
    }
}
