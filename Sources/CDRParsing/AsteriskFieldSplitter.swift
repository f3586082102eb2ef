/// Splits one Asterisk `cdr_csv` line into fields, strictly by its quoting rules.
///
/// A string field is wrapped in `"` with embedded quotes doubled; an integer or a never-answered
/// `answer` is a bare (unquoted) field; fields are joined by `,` (protocols.md §1.1). A quoted
/// field must be followed by `,` or the end of the line. Deliberately not handled: newlines inside
/// a field (Asterisk writes them raw, which breaks the line; the framing layer sees two lines).
enum AsteriskFieldSplitter {
    /// Fills `fields` with the line's fields; more than ``CSVFieldList/capacity`` is an error.
    static func split(_ line: UnsafeRawBufferPointer, into fields: inout CSVFieldList) throws(CDRLineError) {
        try fields.fill { buffer throws(CDRLineError) -> Int in
            let count = line.count
            var index = 0
            var written = 0
            while true {
                guard written < buffer.count else { throw CDRLineError(.wrongColumnCount) }
                if index < count, line[index] == ASCII.quote {
                    index += 1
                    let start = index
                    var doubled = false
                    while true {
                        index = line.firstIndex(of: ASCII.quote, from: index)
                        guard index < count else { throw CDRLineError(.unterminatedQuote, column: written + 1) }
                        guard index + 1 < count, line[index + 1] == ASCII.quote else { break }
                        doubled = true
                        index += 2
                    }
                    buffer[written] = CSVField(start: start, end: index, hasDoubledQuotes: doubled)
                    written += 1
                    index += 1  // closing quote
                    if index == count { return written }
                    guard line[index] == ASCII.comma else {
                        throw CDRLineError(.textAfterQuotedField, column: written)
                    }
                    index += 1
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
