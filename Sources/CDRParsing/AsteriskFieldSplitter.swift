/// Splits one Asterisk `cdr_csv` line into fields, strictly by its quoting rules.
///
/// A string field is wrapped in `"` with embedded quotes doubled; an integer or a never-answered
/// `answer` is a bare (unquoted) field; fields are joined by `,` (protocols.md §1.1). A quoted
/// field must be followed by `,` or the end of the line. Deliberately not handled: newlines inside
/// a field (Asterisk writes them raw, which breaks the line; the framing layer sees two lines).
enum AsteriskFieldSplitter {
    /// More fields than any Asterisk layout has; a line with more is rejected without reading on.
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
                index += 1
                let start = index
                var doubled = false
                while true {
                    guard index < count else { throw CDRLineError(.unterminatedQuote, column: column) }
                    if line[index] == ASCII.quote {
                        if index + 1 < count, line[index + 1] == ASCII.quote {
                            doubled = true
                            index += 2
                            continue
                        }
                        break
                    }
                    index += 1
                }
                fields.append(CSVField(start: start, end: index, hasDoubledQuotes: doubled))
                index += 1  // closing quote
                if index == count { return }
                guard line[index] == ASCII.comma else { throw CDRLineError(.textAfterQuotedField, column: column) }
                index += 1
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
