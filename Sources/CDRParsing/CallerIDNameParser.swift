/// Takes the display name out of an Asterisk `clid` field, reading the field's bytes as written.
///
/// Asterisk writes `"name" <number>` when both are known, the bare name or the bare number when only
/// one is, and nothing when neither is (`ast_callerid_merge`). It does not escape quotes inside the
/// name, so the name is everything before the last `<`, with one pair of surrounding quotes
/// removed. The field is read still CSV-escaped: in a field with doubled quotes every `"` of the
/// value is written `""`, so the surrounding pair is two bytes wide there; only the name itself is
/// unescaped, and only when it becomes a `String`. Deliberately not handled: names that themselves
/// end in `<...>`.
enum CallerIDNameParser {
    /// The display name in `clid`, or nil when there is none (empty, or just the number in `src`).
    static func displayName(in line: UnsafeRawBufferPointer, clid: CSVField, src: CSVField) -> String? {
        guard clid.start >= 0, clid.start <= clid.end, clid.end <= line.count else { return nil }
        var (low, high) = trimmed(line, clid.start, clid.end)
        guard low < high else { return nil }
        if line[high - 1] == ASCII.greaterThan, let open = lastIndex(of: ASCII.lessThan, in: line, low, high - 1) {
            (low, high) = trimmed(line, low, open)
        } else if sameBytes(line, low, high, src.start, src.end) {
            return nil
        }
        let quoteWidth = clid.hasDoubledQuotes ? 2 : 1
        if high - low >= 2 * quoteWidth, line[low] == ASCII.quote, line[high - 1] == ASCII.quote {
            (low, high) = trimmed(line, low + quoteWidth, high - quoteWidth)
        }
        guard low < high else { return nil }
        return line.string(of: CSVField(start: low, end: high, hasDoubledQuotes: clid.hasDoubledQuotes))
    }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> (Int, Int) {
        var low = start
        var high = end
        while low < high, ASCII.isBlank(bytes[low]) { low += 1 }
        while high > low, ASCII.isBlank(bytes[high - 1]) { high -= 1 }
        return (low, high)
    }

    private static func lastIndex(of byte: UInt8, in bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var index = end
        while index > start {
            index -= 1
            if bytes[index] == byte { return index }
        }
        return nil
    }

    private static func sameBytes(_ bytes: UnsafeRawBufferPointer, _ aStart: Int, _ aEnd: Int, _ bStart: Int, _ bEnd: Int) -> Bool {
        guard aEnd - aStart == bEnd - bStart, bStart >= 0, bEnd <= bytes.count else { return false }
        for offset in 0..<(aEnd - aStart) where bytes[aStart + offset] != bytes[bStart + offset] { return false }
        return true
    }
}
