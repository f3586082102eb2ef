import CallModel

/// Parses the fixed-width wall-clock form PBXs write in CSV CDRs, `%Y-%m-%d %H:%M:%S`
/// (`2024-01-15 14:30:22`), from bytes, without allocating.
///
/// Deliberately not handled: fractional seconds, zone suffixes and other separators (neither
/// Asterisk `cdr_csv` nor FreeSWITCH `mod_cdr_csv` writes them).
enum CDRTimeParser {
    /// The civil time in `field`, or nil when it is not exactly that form or not on the calendar.
    static func civilTime(in line: UnsafeRawBufferPointer, field: CSVField) -> CivilDateTime? {
        guard field.count == 19, field.start >= 0, field.end <= line.count else { return nil }
        let base = field.start
        guard line[base + 4] == ASCII.minus, line[base + 7] == ASCII.minus, line[base + 10] == ASCII.space,
            line[base + 13] == ASCII.colon, line[base + 16] == ASCII.colon,
            let year = digits(line, base, 4), let month = digits(line, base + 5, 2),
            let day = digits(line, base + 8, 2), let hour = digits(line, base + 11, 2),
            let minute = digits(line, base + 14, 2), let second = digits(line, base + 17, 2)
        else { return nil }
        let civil = CivilDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return civil.isValid ? civil : nil
    }

    /// The value of `length` ASCII digits at `start` (caller guarantees they are inside `line`).
    @inline(__always)
    static func digits(_ line: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> Int? {
        var value = 0
        for index in start..<(start + length) {
            let byte = line[index]
            guard ASCII.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - ASCII.zero)
        }
        return value
    }
}
