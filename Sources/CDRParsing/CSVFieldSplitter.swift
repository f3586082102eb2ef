/// Splits one CSV line into fields by one of the two quoting rules PBXs use.
///
/// Fields are joined by `,`; an unquoted field runs to the next `,`. How a quoted field ends
/// depends on the ``QuoteRule``. Deliberately not handled: newlines inside a field (the framing
/// layer sees two lines), other separators, and more than ``CSVFieldList/capacity`` fields (the
/// line is rejected as ``CDRLineError/Code/wrongColumnCount``).
enum CSVFieldSplitter {
    /// How a quoted field's content is written.
    enum QuoteRule {
        /// Asterisk `cdr_csv` (protocols.md §1.1): an embedded `"` is doubled (`""`), and the closing
        /// quote must be followed by `,` or the end of the line
        /// (``CDRLineError/Code/textAfterQuotedField`` otherwise).
        case doubled
        /// FreeSWITCH `mod_cdr_csv` (protocols.md §4.1): nothing is escaped, so the field ends at the
        /// first `"` followed by `,` or the end of the line, and a raw `"` elsewhere is content. A
        /// value containing `","` cannot be told from a field boundary; its line gets the wrong
        /// column count and is rejected.
        case unescaped
    }

    /// Fills `fields` with the line's fields.
    static func split(_ line: UnsafeRawBufferPointer, rule: QuoteRule, into fields: inout CSVFieldList) throws(CDRLineError) {
        try fields.fill { buffer throws(CDRLineError) -> Int in
            let count = line.count
            var index = 0
            var written = 0
            while true {
                guard written < buffer.count else { throw CDRLineError(.wrongColumnCount) }
                let field: CSVField
                if index < count, line[index] == ASCII.quote {
                    field = try quotedField(in: line, openingAt: index, rule: rule, column: written + 1)
                    index = field.end + 1  // past the closing quote
                    if index < count, line[index] != ASCII.comma {
                        throw CDRLineError(.textAfterQuotedField, column: written + 1)
                    }
                } else {
                    let end = line.firstIndex(of: ASCII.comma, from: index)
                    field = CSVField(start: index, end: end, hasDoubledQuotes: false)
                    index = end
                }
                buffer[written] = field
                written += 1
                if index >= count { return written }
                index += 1  // the comma
            }
        }
    }

    /// The quoted field whose opening quote is at `open`; its `end` is the closing quote's offset.
    @inline(__always)
    private static func quotedField(
        in line: UnsafeRawBufferPointer, openingAt open: Int, rule: QuoteRule, column: Int
    ) throws(CDRLineError) -> CSVField {
        let count = line.count
        let start = open + 1
        var close = line.firstIndex(of: ASCII.quote, from: start)
        var doubled = false
        switch rule {
        case .doubled:
            while close + 1 < count, line[close + 1] == ASCII.quote {
                doubled = true
                close = line.firstIndex(of: ASCII.quote, from: close + 2)
            }
        case .unescaped:
            while close + 1 < count, line[close + 1] != ASCII.comma {
                close = line.firstIndex(of: ASCII.quote, from: close + 1)
            }
        }
        guard close < count else { throw CDRLineError(.unterminatedQuote, column: column) }
        return CSVField(start: start, end: close, hasDoubledQuotes: doubled)
    }
}
