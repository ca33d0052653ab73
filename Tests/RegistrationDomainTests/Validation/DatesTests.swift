import Foundation
import PropertyBased
import RegistrationDomain
import Testing

/// A date known to be real.
private func date(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate {
    CalendarDate(year: year, month: month, day: day)!
}

/// Real dates between 1900 and 2100.
private let realDates = zip(Gen.int(in: 1900...2100), Gen.int(in: 1...12), Gen.int(in: 1...31))
    .compactMap { CalendarDate(year: $0.0, month: $0.1, day: $0.2) }

@Suite("CalendarDate")
struct CalendarDateValidationTests {
    @Test func realDatesOnly() {
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2024, month: 4, day: 31) == nil)
        #expect(CalendarDate(year: 2024, month: 12, day: 31) != nil)
        #expect(CalendarDate(year: 2024, month: 13, day: 1) == nil)
        #expect(CalendarDate(year: 2024, month: 0, day: 1) == nil)
        #expect(CalendarDate(year: 2024, month: 1, day: 0) == nil)
        #expect(CalendarDate(year: 0, month: 1, day: 1) == nil)
        #expect(CalendarDate(year: 10000, month: 1, day: 1) == nil)
    }

    @Test func isoParsingIsStrict() {
        #expect(CalendarDate(iso: "1990-03-07") == date(1990, 3, 7))
        for text in [
            "1990-3-7", "1990-03-7", "19900307", "1990/03/07", " 1990-03-07", "1990-03-07 ", "1990-02-30",
            "１９９０-03-07", "+990-03-07", "", "1990-03-07T00:00",
        ] {
            #expect(CalendarDate(iso: text) == nil, "\(text)")
        }
    }

    @Test func basicParsingForCHSIDates() {
        #expect(CalendarDate(basic: "20240928") == date(2024, 9, 28))
        #expect(CalendarDate(basic: "20230229") == nil)
        #expect(CalendarDate(basic: "2024-09-28") == nil)
        #expect(CalendarDate(basic: "2024092") == nil)
        #expect(date(2024, 9, 28).yearMonth == YearMonth(year: 2024, month: 9))
    }

    @Test func descriptionPadsWithZeros() {
        #expect(date(2024, 3, 5).description == "2024-03-05")
        #expect(date(987, 12, 31).description == "0987-12-31")
    }

    @Test func orderIsChronological() {
        #expect(date(2024, 1, 31) < date(2024, 2, 1))
        #expect(date(2023, 12, 31) < date(2024, 1, 1))
        #expect(date(2024, 2, 1) < date(2024, 2, 2))
        #expect(!(date(2024, 2, 2) < date(2024, 2, 2)))
    }

    @Test func codesAsAnISOString() throws {
        let encoded = try JSONEncoder().encode([date(2024, 2, 29)])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["2024-02-29"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: encoded) == [date(2024, 2, 29)])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CalendarDate].self, from: Data(#"["2023-02-29"]"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([CalendarDate].self, from: Data(#"[{"year":2024,"month":1,"day":1}]"#.utf8))
        }
    }

    @Test func leapYears() {
        #expect(CalendarDate.isLeapYear(2024))
        #expect(CalendarDate.isLeapYear(2000))
        #expect(!CalendarDate.isLeapYear(1900))
        #expect(!CalendarDate.isLeapYear(2023))
        #expect(CalendarDate.daysInMonth(year: 2024, month: 2) == 29)
        #expect(CalendarDate.daysInMonth(year: 2100, month: 2) == 28)
        #expect(CalendarDate.daysInMonth(year: 2024, month: 13) == 0)
    }

    @Test func ageCountsCompletedYears() {
        let birth = date(2000, 6, 15)
        #expect(birth.age(on: date(2018, 6, 14)) == 17)
        #expect(birth.age(on: date(2018, 6, 15)) == 18)
        #expect(birth.age(on: date(2018, 12, 31)) == 18)
        #expect(birth.age(on: date(2000, 6, 15)) == 0)
        #expect(birth.age(on: date(2000, 6, 14)) == -1)
    }

    @Test func leapDayBirthsCompleteTheYearOnFirstMarch() {
        let birth = date(2004, 2, 29)
        #expect(birth.age(on: date(2022, 2, 28)) == 17)
        #expect(birth.age(on: date(2022, 3, 1)) == 18)
        #expect(birth.age(on: date(2024, 2, 28)) == 19)
        #expect(birth.age(on: date(2024, 2, 29)) == 20)
    }

    @Test func isoRoundTrip() async {
        await propertyCheck(count: 300, input: realDates) { value in
            #expect(CalendarDate(iso: value.description) == value)
            #expect(CalendarDate(basic: value.description.filter { $0 != "-" }) == value)
            #expect(value.description.count == 10)
        }
    }

    @Test func orderMatchesTheOrderOfISOStrings() async {
        await propertyCheck(count: 300, input: realDates, realDates) { a, b in
            #expect((a < b) == (a.description < b.description))
        }
    }

    @Test func ageOnTheAnniversaryIsTheYearDifference() async {
        await propertyCheck(count: 300, input: realDates, Gen.int(in: 0...100)) { birth, years in
            guard !(birth.month == 2 && birth.day == 29) else { return }
            let anniversary = CalendarDate(year: birth.year + years, month: birth.month, day: birth.day)!
            #expect(birth.age(on: anniversary) == years)
            if let dayBefore = CalendarDate(year: anniversary.year, month: anniversary.month, day: anniversary.day - 1),
                years > 0
            {
                #expect(birth.age(on: dayBefore) == years - 1)
            }
        }
    }

    @Test func ageNeverDecreasesAsTimePasses() async {
        await propertyCheck(count: 300, input: realDates, realDates, realDates) { birth, a, b in
            let (early, late) = a < b ? (a, b) : (b, a)
            #expect(birth.age(on: early) <= birth.age(on: late))
        }
    }
}

@Suite("YearMonth")
struct YearMonthValidationTests {
    @Test func validMonthsOnly() {
        #expect(YearMonth(year: 2006, month: 7) != nil)
        #expect(YearMonth(year: 2006, month: 0) == nil)
        #expect(YearMonth(year: 2006, month: 13) == nil)
        #expect(YearMonth(year: 0, month: 1) == nil)
        #expect(YearMonth(year: 2006, month: 7)!.description == "2006-07")
        #expect(YearMonth(iso: "2006-07") == YearMonth(year: 2006, month: 7))
        #expect(YearMonth(iso: "2006-7") == nil)
    }

    @Test func orderAndCoding() throws {
        #expect(YearMonth(year: 2006, month: 12)! < YearMonth(year: 2007, month: 1)!)
        #expect(YearMonth(year: 2007, month: 1)! < YearMonth(year: 2007, month: 2)!)
        let encoded = try JSONEncoder().encode([YearMonth(year: 2010, month: 7)!])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["2010-07"]"#)
        #expect(try JSONDecoder().decode([YearMonth].self, from: encoded) == [YearMonth(year: 2010, month: 7)!])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([YearMonth].self, from: Data(#"["2010-13"]"#.utf8))
        }
    }

    @Test func roundTrip() async {
        await propertyCheck(count: 200, input: Gen.int(in: 1...9999), Gen.int(in: 1...12)) { year, month in
            let value = YearMonth(year: year, month: month)!
            #expect(YearMonth(iso: value.description) == value)
            #expect(validationYearMonth(value.description) == value)
        }
    }
}

/// `Rules.parseYearMonth`, or nil when it throws.
private func validationYearMonth(_ text: String) -> YearMonth? {
    try? Rules.parseYearMonth(text, field: "f")
}

@Suite("Parsing year-months and dates")
struct DateParsingValidationTests {
    @Test func yearMonthAccepted() throws {
        #expect(try Rules.parseYearMonth("2006-07", field: "education[0].enrolment") == YearMonth(year: 2006, month: 7))
        #expect(try Rules.parseYearMonth("2025-12", field: "f") == YearMonth(year: 2025, month: 12))
        #expect(try Rules.parseYearMonth("2025-01", field: "f") == YearMonth(year: 2025, month: 1))
    }

    @Test(arguments: [
        "2006-7", "200607", "2006/07", "2006.07", "06-07", "2006-07-01", " 2006-07", "2006-07 ", "", "2006—07",
        "abcd-ef",
    ])
    func yearMonthShapeIsStrict(_ text: String) {
        expectValidationRejection("year_month.format", field: "education[2].graduation") { () throws(Rejection) in
            _ = try Rules.parseYearMonth(text, field: "education[2].graduation")
        }
    }

    @Test(arguments: ["2006-00", "2006-13", "2006-99", "0000-05"])
    func yearMonthMustBeReal(_ text: String) {
        expectValidationRejection("year_month.invalid_month") { () throws(Rejection) in
            _ = try Rules.parseYearMonth(text, field: "f")
        }
    }

    @Test func fullWidthYearMonth() {
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            _ = try Rules.parseYearMonth("２００６－０７", field: "f")
        }
    }

    @Test func calendarDateAccepted() throws {
        #expect(try Rules.parseCalendarDate("1990-03-07", field: "birthDate") == date(1990, 3, 7))
        #expect(try Rules.parseCalendarDate("2024-02-29", field: "birthDate") == date(2024, 2, 29))
    }

    @Test(arguments: ["1990-3-7", "19900307", "1990/03/07", "1990-03", "1990-03-07 ", "", "1990-03-0a"])
    func calendarDateShapeIsStrict(_ text: String) {
        expectValidationRejection("date.format", field: "birthDate") { () throws(Rejection) in
            _ = try Rules.parseCalendarDate(text, field: "birthDate")
        }
    }

    @Test(arguments: ["2023-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00", "0000-01-01", "1900-02-29"])
    func calendarDateMustBeReal(_ text: String) {
        expectValidationRejection("date.invalid") { () throws(Rejection) in
            _ = try Rules.parseCalendarDate(text, field: "f")
        }
    }

    @Test func fullWidthDate() {
        expectValidationRejection("input.full_width_character") { () throws(Rejection) in
            _ = try Rules.parseCalendarDate("1990－03－07", field: "f")
        }
    }

    @Test func notBeforeStart() {
        let enrolment = YearMonth(year: 2006, month: 9)!
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateNotBefore(YearMonth(year: 2011, month: 7)!, start: enrolment, field: "g")
        }
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateNotBefore(enrolment, start: enrolment, field: "g")
        }
        expectValidationRejection("year_month.before_start", field: "education[0].graduation") { () throws(Rejection) in
            try Rules.validateNotBefore(
                YearMonth(year: 2006, month: 8)!,
                start: enrolment,
                field: "education[0].graduation"
            )
        }
    }

    @Test func notInFuture() {
        let today = date(2025, 3, 15)
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateNotInFuture(YearMonth(year: 2025, month: 3)!, today: today, field: "t")
        }
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateNotInFuture(YearMonth(year: 2008, month: 3)!, today: today, field: "t")
        }
        expectValidationRejection("year_month.in_future", field: "t") { () throws(Rejection) in
            try Rules.validateNotInFuture(YearMonth(year: 2025, month: 4)!, today: today, field: "t")
        }
    }
}

@Suite("Age 18 to 75")
struct AgeValidationTests {
    let today = date(2025, 3, 15)

    @Test func eighteenthBirthdayIsTheFirstDayAllowed() {
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateAge(birthDate: date(2007, 3, 15), today: today)
        }
        expectValidationRejection("age.too_young", field: "birthDate") { () throws(Rejection) in
            try Rules.validateAge(birthDate: date(2007, 3, 16), today: today)
        }
    }

    @Test func seventySixthBirthdayIsTheFirstDayRefused() {
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateAge(birthDate: date(1949, 3, 16), today: today)
        }
        expectValidationRejection("age.too_old", field: "account.birthDate") { () throws(Rejection) in
            try Rules.validateAge(birthDate: date(1949, 3, 15), today: today, field: "account.birthDate")
        }
    }

    @Test(
        arguments: [(17, "age.too_young"), (18, nil), (40, nil), (75, nil), (76, "age.too_old"), (100, "age.too_old")]
            as [(Int, String?)]
    )
    func agesAroundTheBounds(_ age: Int, _ expected: String?) {
        // Born on 10 June, checked on 10 June (birthday reached) and 9 June (birthday not yet reached).
        let birth = date(2025 - age, 6, 10)
        #expect(
            validationCode { () throws(Rejection) in try Rules.validateAge(birthDate: birth, today: date(2025, 6, 10)) }
                == expected
        )
        let dayBefore = validationCode { () throws(Rejection) in
            try Rules.validateAge(birthDate: birth, today: date(2025, 6, 9))
        }
        // The day before the birthday one is a year younger.
        let expectedDayBefore: String? = age - 1 < 18 ? "age.too_young" : (age - 1 > 75 ? "age.too_old" : nil)
        #expect(dayBefore == expectedDayBefore)
    }

    @Test func leapDayBirth() {
        let birth = date(2004, 2, 29)
        expectValidationRejection("age.too_young") { () throws(Rejection) in
            try Rules.validateAge(birthDate: birth, today: date(2022, 2, 28))
        }
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateAge(birthDate: birth, today: date(2022, 3, 1))
        }
        let old = date(1948, 2, 29)
        expectValidationAccepted { () throws(Rejection) in
            try Rules.validateAge(birthDate: old, today: date(2024, 2, 28))
        }
        expectValidationRejection("age.too_old") { () throws(Rejection) in
            try Rules.validateAge(birthDate: old, today: date(2024, 2, 29))
        }
    }

    @Test func birthInTheFuture() {
        expectValidationRejection("birth_date.in_future") { () throws(Rejection) in
            try Rules.validateAge(birthDate: date(2025, 3, 16), today: today)
        }
        expectValidationRejection("age.too_young") { () throws(Rejection) in
            try Rules.validateAge(birthDate: today, today: today)
        }
    }

    @Test func agreesWithAgeOnEveryDate() async {
        await propertyCheck(count: 300, input: realDates, realDates) { birth, today in
            let code = validationCode { () throws(Rejection) in try Rules.validateAge(birthDate: birth, today: today) }
            let age = birth.age(on: today)
            let expected: String? =
                birth > today ? "birth_date.in_future" : age < 18 ? "age.too_young" : age > 75 ? "age.too_old" : nil
            #expect(code == expected)
        }
    }
}

@Suite("Instant typed by people (filters, replay points)")
struct TypedInstantTests {
    private static func instant(_ text: String) -> Date? { Instant.date(fromISO8601: text) }

    @Test func theStrictFormAndItsShorterSpellingsAreTheSameInstant() throws {
        let strict = try #require(Instant.date(from: "2026-01-12T03:00:00.000Z"))
        for text in [
            "2026-01-12T03:00:00.000Z", "2026-01-12T03:00:00Z", "2026-01-12T03:00:00.0Z", "2026-01-12T03:00:00.000000000Z",
            "2026-01-12T11:00:00+08:00", "2026-01-12T11:00:00.000+08:00", "2026-01-11T22:30:00-04:30", "2026-01-12T03:00:00+00:00",
        ] {
            #expect(Self.instant(text) == strict, "\(text)")
        }
        #expect(Self.instant("2026-01-12T03:00:00.5Z").map(Instant.string(from:)) == "2026-01-12T03:00:00.500Z")
        #expect(Self.instant("2026-01-12T03:00:00.1239Z").map(Instant.string(from:)) == "2026-01-12T03:00:00.123Z")
        // Midnight in Beijing is the evening before in UTC.
        #expect(Self.instant("2026-01-01T00:00:00+08:00").map(Instant.string(from:)) == "2025-12-31T16:00:00.000Z")
    }

    @Test(
        "what is not an instant is refused",
        arguments: [
            "", "garbage", "2026-01-12", "2026-01-12T03:00", "2026-01-12T03:00:00", "2026-01-12 03:00:00Z", "2026-01-12T03:00:00.Z",
            "2026-01-12T03:00:00.0000000000Z", "2026-01-12T24:00:00Z", "2026-02-30T03:00:00Z", "2026-01-12T03:00:60Z",
            "2026-01-12T03:00:00+8:00", "2026-01-12T03:00:00+08", "2026-01-12T03:00:00+24:00", "2026-01-12T03:00:00Zjunk",
            "2026-01-12T03:00:00z", "２０２６-01-12T03:00:00Z", "2026-1-12T03:00:00Z",
        ]
    )
    func refused(text: String) {
        #expect(Self.instant(text) == nil, "\(text)")
    }

    @Test func everyStrictTextReadsBackAsItself() async {
        await propertyCheck(count: 300, input: Gen.int(in: -2_000_000_000_000...4_000_000_000_000)) { milliseconds in
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let text = Instant.string(from: date)
            #expect(Instant.date(fromISO8601: text).map(Instant.string(from:)) == text)
            #expect(Instant.date(fromISO8601: text) == Instant.date(from: text))
        }
    }
}
