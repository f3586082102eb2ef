import CallModel

/// Parses the fixed-width wall-clock form PBXs write in CSV CDRs, `%Y-%m-%d %H:%M:%S`
/// (`2024-01-15 14:30:22`), from bytes, without allocating.
///
/// Consecutive CDR times nearly always share their date, so the last date parsed (and found to be
/// on the calendar) is remembered by its ten bytes and only the time of day is parsed again.
/// Deliberately not handled: fractional seconds, zone suffixes and other separators (neither
/// Asterisk `cdr_csv` nor FreeSWITCH `mod_cdr_csv` writes them).
struct CDRTimeParser {
    private var lastDateHead: UInt64 = 0
    private var lastDateTail: UInt16 = 0
    private var lastDate: CivilDateTime?

    /// The civil time in `field`, or nil when it is not exactly that form or not on the calendar.
    mutating func civilTime(in line: UnsafeRawBufferPointer, field: CSVField) -> CivilDateTime? {
        guard field.count == 19, field.start >= 0, field.end <= line.count else { return nil }
        let base = field.start
        let head = line.loadUnaligned(fromByteOffset: base, as: UInt64.self)
        let tail = line.loadUnaligned(fromByteOffset: base + 8, as: UInt16.self)
        var civil: CivilDateTime
        if let lastDate, head == lastDateHead, tail == lastDateTail {
            civil = lastDate
        } else {
            guard line[base + 4] == ASCII.minus, line[base + 7] == ASCII.minus,
                let year = Self.digits(line, base, 4), let month = Self.twoDigits(line, base + 5),
                let day = Self.twoDigits(line, base + 8)
            else { return nil }
            civil = CivilDateTime(year: year, month: month, day: day)
            guard civil.isValid else { return nil }
            (lastDateHead, lastDateTail, lastDate) = (head, tail, civil)
        }
        guard line[base + 10] == ASCII.space, line[base + 13] == ASCII.colon, line[base + 16] == ASCII.colon,
            let hour = Self.twoDigits(line, base + 11), hour <= 23,
            let minute = Self.twoDigits(line, base + 14), minute <= 59,
            let second = Self.twoDigits(line, base + 17), second <= 60
        else { return nil }
        civil.hour = hour
        civil.minute = minute
        civil.second = second
        return civil
    }

    /// The value of two ASCII digits at `start` (caller guarantees they are inside `line`).
    @inline(__always)
    static func twoDigits(_ line: UnsafeRawBufferPointer, _ start: Int) -> Int? {
        let tens = line[start] &- ASCII.zero
        let ones = line[start + 1] &- ASCII.zero
        guard tens < 10, ones < 10 else { return nil }
        return Int(tens) &* 10 &+ Int(ones)
    }

    /// The value of `length` ASCII digits at `start` (caller guarantees they are inside `line`).
    @inline(__always)
    static func digits(_ line: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> Int? {
        var value = 0
        for index in start..<(start + length) {
            let digit = line[index] &- ASCII.zero
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
        }
        return value
    }
}
