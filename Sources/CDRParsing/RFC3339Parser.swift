import CallModel

/// Parses RFC 3339 date-times (`2024-01-15T14:30:22Z`, `2024-01-15T16:30:22.250+02:00`) from bytes.
///
/// Accepts `T`, `t` or a space between date and time (RFC 3339 §5.6 note), `Z`/`z` or a
/// `±hh:mm` offset, and a fraction of any length (digits past microseconds are dropped).
/// Deliberately not handled: a missing offset (local time is ambiguous here), leap-second
/// semantics (`:60` becomes the next minute's first second), and years outside 0001–9999.
enum RFC3339Parser {
    /// The instant in `bytes[start..<end]`, or nil when it is not an RFC 3339 date-time.
    static func timestamp(in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Timestamp? {
        guard start >= 0, end <= bytes.count, end - start >= 20 else { return nil }
        let separator = bytes[start + 10]
        guard bytes[start + 4] == ASCII.minus, bytes[start + 7] == ASCII.minus,
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == ASCII.space,
            bytes[start + 13] == ASCII.colon, bytes[start + 16] == ASCII.colon,
            let year = CDRTimeParser.digits(bytes, start, 4), let month = CDRTimeParser.digits(bytes, start + 5, 2),
            let day = CDRTimeParser.digits(bytes, start + 8, 2), let hour = CDRTimeParser.digits(bytes, start + 11, 2),
            let minute = CDRTimeParser.digits(bytes, start + 14, 2),
            let second = CDRTimeParser.digits(bytes, start + 17, 2), year >= 1
        else { return nil }

        var index = start + 19
        var microsecond = 0
        if bytes[index] == ASCII.dot {
            index += 1
            var digits = 0
            while index < end, ASCII.isDigit(bytes[index]) {
                if digits < 6 { microsecond = microsecond * 10 + Int(bytes[index] - ASCII.zero) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 6)..<6 { microsecond *= 10 }
        }

        let offsetSeconds: Int
        guard index < end else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            offsetSeconds = 0
            index += 1
        case ASCII.plus, ASCII.minus:
            guard end - index == 6, bytes[index + 3] == ASCII.colon,
                let offsetHours = CDRTimeParser.digits(bytes, index + 1, 2), offsetHours <= 23,
                let offsetMinutes = CDRTimeParser.digits(bytes, index + 4, 2), offsetMinutes <= 59
            else { return nil }
            let magnitude = offsetHours * 3_600 + offsetMinutes * 60
            offsetSeconds = bytes[index] == ASCII.minus ? -magnitude : magnitude
            index += 6
        default:
            return nil
        }
        guard index == end else { return nil }

        let civil = CivilDateTime(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: microsecond)
        guard civil.isValid else { return nil }
        return civil.timestamp(utcOffsetSeconds: offsetSeconds)
    }
}
