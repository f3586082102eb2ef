/// Splits one FreeSWITCH `mod_cdr_csv` line into fields, leniently.
///
/// The templates wrap every value in `"` but do not escape it (protocols.md §4.1), so a quoted
/// field ends at the first `"` that is followed by `,` or by the end of the line; a raw `"` inside
/// a caller name is content. An unquoted field runs to the next `,`. Deliberately not handled: a
/// value that itself contains `","` (indistinguishable from a field boundary: the column count
/// then comes out wrong and the line is rejected).
enum LenientFieldSplitter {
    /// More fields than any supported template has; a line with more is rejected without reading on.
    static let maximumFields = 24

    /// Fills `fields` (emptied first, capacity kept) with the line's fields.
    static func split(_ line: UnsafeRawBufferPointer, into fields: inout [CSVField]) throws(CDRLineError) {
        fields.removeAll(keepingCapacity: true)
        let count = line.count
        var index = 0
        while true {
            guard fields.count < maximumFields else { throw CDRLineError(.wrongColumnCount) }
            let column = fields.count + 1
            if index < count, line[index] == ASCII.quote {
                let start = index + 1
                var close = start
                while true {
                    guard close < count else { throw CDRLineError(.unterminatedQuote, column: column) }
                    if line[close] == ASCII.quote, close + 1 == count || line[close + 1] == ASCII.comma { break }
                    close += 1
                }
                fields.append(CSVField(start: start, end: close, hasDoubledQuotes: false))
                index = close + 1
                if index == count { return }
                index += 1  // the comma
            } else {
                let start = index
                while index < count, line[index] != ASCII.comma { index += 1 }
                fields.append(CSVField(start: start, end: index, hasDoubledQuotes: false))
                if index == count { return }
                index += 1
            }
        }
    }
}
