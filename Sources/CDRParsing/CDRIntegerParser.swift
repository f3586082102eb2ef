/// Parses the unsigned whole-second counts of CSV CDRs (`duration`, `billsec`, `sequence`).
///
/// Deliberately not handled: signs, spaces and more than 18 digits (no PBX writes them; they are
/// rejected rather than guessed at).
enum CDRIntegerParser {
    static let maximumDigits = 18

    /// The field's value, or nil when it is empty or not 1–18 ASCII digits.
    static func value(in line: UnsafeRawBufferPointer, field: CSVField) -> Int64? {
        guard !field.isEmpty, field.count <= maximumDigits, field.start >= 0, field.end <= line.count else {
            return nil
        }
        var value: Int64 = 0
        for index in field.start..<field.end {
            let byte = line[index]
            guard ASCII.isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - ASCII.zero)
        }
        return value
    }
}
