/// Takes the display name out of an Asterisk `clid` value (already CSV-unescaped).
///
/// Asterisk writes `"name" <number>` when both are known, the bare name or the bare number when only
/// one is, and nothing when neither is (`ast_callerid_merge`). It does not escape quotes inside the
/// name, so the name is everything before the last `<`, with one pair of surrounding quotes
/// removed. Deliberately not handled: names that themselves end in `<...>`.
enum CallerIDNameParser {
    /// The display name in `clid[start..<end]`, or nil when there is none (empty, or just the
    /// number `src`).
    static func displayName(
        in clid: UnsafeRawBufferPointer, from start: Int, to end: Int,
        src: UnsafeRawBufferPointer, srcField: CSVField
    ) -> String? {
        guard start >= 0, start <= end, end <= clid.count else { return nil }
        var (low, high) = trimmed(clid, start, end)
        guard low < high else { return nil }
        if clid[high - 1] == ASCII.greaterThan, let open = lastIndex(of: ASCII.lessThan, in: clid, low, high - 1) {
            (low, high) = trimmed(clid, low, open)
        } else if sameBytes(clid, low, high, src, srcField.start, srcField.end) {
            return nil
        }
        if high - low >= 2, clid[low] == ASCII.quote, clid[high - 1] == ASCII.quote {
            (low, high) = trimmed(clid, low + 1, high - 1)
        }
        guard low < high else { return nil }
        return clid.string(from: low, to: high)
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

    private static func sameBytes(
        _ a: UnsafeRawBufferPointer, _ aStart: Int, _ aEnd: Int,
        _ b: UnsafeRawBufferPointer, _ bStart: Int, _ bEnd: Int
    ) -> Bool {
        guard aEnd - aStart == bEnd - bStart, bStart >= 0, bEnd <= b.count else { return false }
        for offset in 0..<(aEnd - aStart) where a[aStart + offset] != b[bStart + offset] { return false }
        return true
    }
}
