/// Splits one FreeSWITCH `mod_cdr_csv` line into fields, leniently.
///
/// The templates wrap every value in `"` but do not escape it (protocols.md §4.1), so a quoted
/// field ends at the first `"` that is followed by `,` or by the end of the line; a raw `"` inside
/// a caller name is content. An unquoted field runs to the next `,`. Deliberately not handled: a
/// value that itself contains `","` (indistinguishable from a field boundary: the column count
/// then comes out wrong and the line is rejected).
enum LenientFieldSplitter {
    /// Fills `fields` with the line's fields; more than ``CSVFieldList/capacity`` is an error.
    static func split(_ line: UnsafeRawBufferPointer, into fields: inout CSVFieldList) throws(CDRLineError) {
        try fields.fill { buffer throws(CDRLineError) -> Int in
            let count = line.count
            var index = 0
            var written = 0
            while true {
                guard written < buffer.count else { throw CDRLineError(.wrongColumnCount) }
                if index < count, line[index] == ASCII.quote {
                    let start = index + 1
                    var close = line.firstIndex(of: ASCII.quote, from: start)
                    while close < count, close + 1 < count, line[close + 1] != ASCII.comma {
                        close = line.firstIndex(of: ASCII.quote, from: close + 1)
                    }
                    guard close < count else { throw CDRLineError(.unterminatedQuote, column: written + 1) }
                    buffer[written] = CSVField(start: start, end: close, hasDoubledQuotes: false)
                    written += 1
                    index = close + 1
                    if index == count { return written }
                    index += 1  // the comma
                } else {
                    let start = index
                    index = line.firstIndex(of: ASCII.comma, from: index)
                    buffer[written] = CSVField(start: start, end: index, hasDoubledQuotes: false)
                    written += 1
                    if index == count { return written }
                    index += 1
                }
            }
        }
    }
}
