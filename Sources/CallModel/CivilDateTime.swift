/// A wall-clock date and time without a zone, as PBXs write them in CDRs (`2024-01-15 14:30:22`).
///
/// Conversion uses the proleptic Gregorian calendar (Howard Hinnant's days-from-civil), so it
/// needs no Foundation and no allocation.
package struct CivilDateTime: Hashable, Sendable {
    package var year: Int
    package var month: Int
    package var day: Int
    package var hour: Int
    package var minute: Int
    package var second: Int
    package var microsecond: Int

    package init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
    }

    /// The civil time of `timestamp` in UTC.
    package init(utc timestamp: Timestamp) {
        let micros = timestamp.microsecondsSinceEpoch
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = Self.civil(fromDays: days)
        self.init(
            year: y, month: m, day: d,
            hour: Int(secondOfDay / 3_600), minute: Int(secondOfDay % 3_600 / 60), second: Int(secondOfDay % 60),
            microsecond: Int(fraction)
        )
    }

    /// True when every field is in its calendar range (February 30th is not).
    package var isValid: Bool {
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second), (0..<1_000_000).contains(microsecond), day >= 1
        else { return false }
        return day <= Self.daysInMonth(year: year, month: month)
    }

    /// Days since 1970-01-01 of this date.
    package var daysSinceEpoch: Int64 { Self.days(fromYear: year, month: month, day: day) }

    /// The instant this wall-clock time denotes when the clock was `utcOffsetSeconds` ahead of UTC.
    package func timestamp(utcOffsetSeconds: Int) -> Timestamp {
        let seconds = daysSinceEpoch * 86_400 + Int64(hour * 3_600 + minute * 60 + second) - Int64(utcOffsetSeconds)
        return Timestamp(microsecondsSinceEpoch: seconds * 1_000_000 + Int64(microsecond))
    }

    /// `2024-01-15 14:30:22` (or with another separator), `.ffffff` appended only when non-zero.
    package func formatted(dateTimeSeparator: Character = " ") -> String {
        var text = Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2)
        text.append(dateTimeSeparator)
        text += Self.pad(hour, 2) + ":" + Self.pad(minute, 2) + ":" + Self.pad(second, 2)
        if microsecond != 0 { text += "." + Self.pad(microsecond, 6) }
        return text
    }

    package static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func days(fromYear year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays daysSinceEpoch: Int64) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
