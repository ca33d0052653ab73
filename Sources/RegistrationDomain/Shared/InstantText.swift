import Foundation

/// Instants as they appear in event payloads: ISO-8601 in UTC with milliseconds, `2025-01-08T01:30:00.000Z`.
///
/// Written by hand (civil-from-days arithmetic) so that the text is the same on every platform and Foundation
/// version, and so that the domain needs no formatter, locale or time-zone database.
public enum Instant {
    private static let millisecondsPerDay: Int64 = 86_400_000
    /// China Standard Time, UTC+8, no daylight saving: the time zone of every calendar rule in the domain.
    private static let beijingOffsetMilliseconds: Int64 = 8 * 3_600_000

    /// The ISO-8601 UTC text of an instant, truncated to the millisecond.
    public static func string(from date: Date) -> String {
        let milliseconds = epochMilliseconds(date)
        let (days, ofDay) = floorDivision(milliseconds, millisecondsPerDay)
        let (year, month, day) = civil(fromDays: days)
        let hour = ofDay / 3_600_000
        let minute = ofDay / 60_000 % 60
        let second = ofDay / 1000 % 60
        let milli = ofDay % 1000
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))."
            + "\(pad(milli, 3))Z"
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SS.sssZ`, or nil.
    public static func date(from text: String) -> Date? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 24, scalars[19] == ".", scalars[23] == "Z" else { return nil }
        return date(iso8601: scalars)
    }

    /// Parses an ISO-8601 instant as people type it into a filter: `2026-01-12T03:00:00Z`, with a fraction of the
    /// second (`…:00.5Z`, `…:00.000Z`; digits past the millisecond are dropped), or with an offset instead of `Z`
    /// (`2026-01-12T11:00:00+08:00`, Beijing time). Anything else is nil. Payloads keep the one strict form
    /// (``date(from:)``).
    public static func date(fromISO8601 text: String) -> Date? {
        date(iso8601: Array(text.unicodeScalars))
    }

    /// ``date(fromISO8601:)`` on the text's scalars.
    private static func date(iso8601 scalars: [Unicode.Scalar]) -> Date? {
        guard scalars.count >= 20, scalars[4] == "-", scalars[7] == "-", scalars[10] == "T", scalars[13] == ":", scalars[16] == ":",
            let year = number(scalars[0..<4]), let month = number(scalars[5..<7]), let day = number(scalars[8..<10]),
            let hour = number(scalars[11..<13]), let minute = number(scalars[14..<16]), let second = number(scalars[17..<19]),
            CalendarDate(year: Int(year), month: Int(month), day: Int(day)) != nil,
            hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var milli: Int64 = 0
        if scalars[index] == "." {
            index += 1
            let start = index
            while index < scalars.count, let digit = number(scalars[index..<(index + 1)]) {
                if index - start < 3 { milli = milli * 10 + digit }
                index += 1
            }
            let digits = index - start
            guard (1...9).contains(digits) else { return nil }
            for _ in min(digits, 3)..<3 { milli *= 10 }
        }
        guard index < scalars.count else { return nil }
        var offsetMinutes: Int64 = 0
        if scalars[index] == "Z" {
            index += 1
        } else if scalars[index] == "+" || scalars[index] == "-" {
            guard scalars.count == index + 6, scalars[index + 3] == ":",
                let offsetHours = number(scalars[(index + 1)..<(index + 3)]),
                let offsetMinute = number(scalars[(index + 4)..<(index + 6)]),
                offsetHours < 24, offsetMinute < 60
            else { return nil }
            offsetMinutes = (offsetHours * 60 + offsetMinute) * (scalars[index] == "-" ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == scalars.count else { return nil }
        let days = self.days(year: year, month: month, day: day)
        let local = days * millisecondsPerDay + ((hour * 60 + minute) * 60 + second) * 1000 + milli
        return Date(timeIntervalSince1970: Double(local - offsetMinutes * 60_000) / 1000)
    }

    /// The instant truncated to the millisecond, as it reads back from an event payload.
    public static func truncated(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(epochMilliseconds(date)) / 1000)
    }

    /// The calendar date of an instant in Beijing time (UTC+8): "today" for age and year-month rules.
    public static func beijingDate(_ date: Date) -> CalendarDate {
        let (days, _) = floorDivision(epochMilliseconds(date) + beijingOffsetMilliseconds, millisecondsPerDay)
        let (year, month, day) = civil(fromDays: days)
        // Years outside 1...9999 cannot come from a real clock; clamp rather than trap.
        return CalendarDate(year: Int(year), month: Int(month), day: Int(day))
            ?? CalendarDate(year: year < 1 ? 1 : 9999, month: 1, day: 1)!
    }

    private static func epochMilliseconds(_ date: Date) -> Int64 {
        // Truncated to the millisecond, except that a value within a microsecond below a whole millisecond is that
        // millisecond: an instant read from text (`….782Z`) comes back as a Double a hair below it, which plain
        // truncation printed as `….781Z`.
        let exact = date.timeIntervalSince1970 * 1000
        let nearest = exact.rounded()
        let value = abs(exact - nearest) < 0.001 ? nearest : exact.rounded(.down)
        // Clamp to ±10,000 years so that absurd dates cannot overflow.
        return Int64(max(min(value, 253_402_300_799_999), -62_135_596_800_000))
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value >= 0 ? value / divisor : (value - divisor + 1) / divisor
        return (quotient, value - quotient * divisor)
    }

    // Howard Hinnant's days_from_civil / civil_from_days, proleptic Gregorian.
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    private static func number(_ scalars: ArraySlice<Unicode.Scalar>) -> Int64? {
        var value: Int64 = 0
        for scalar in scalars {
            guard (0x30...0x39).contains(scalar.value) else { return nil }
            value = value * 10 + Int64(scalar.value - 0x30)
        }
        return value
    }
}
