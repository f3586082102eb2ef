/// Guesses which ``CDRFormat`` a file is in from its first lines.
///
/// A line starting with `{` is JSON lines; a line that splits strictly into 16–21 Asterisk columns
/// with a `YYYY-MM-DD HH:MM:SS` start in column 10 is Asterisk; one that splits into 13 or 15
/// FreeSWITCH columns with stamps in columns 5 and 7 is FreeSWITCH. Blank and unrecognised lines
/// (headers included) do not vote; the answer is nil when no line is recognised or lines disagree.
/// Deliberately not handled: telling Asterisk `cdr_custom` files apart (they are not supported).
package enum CDRFormatDetector {
    /// The format all recognised lines among `firstLines` agree on, or nil.
    package static func detect(firstLines: [[UInt8]]) -> CDRFormat? {
        var fields = CSVFieldList()
        var timeParser = CDRTimeParser()
        var detected: CDRFormat?
        for line in firstLines {
            let format = line.withUnsafeBytes { classify($0, fields: &fields, timeParser: &timeParser) }
            guard let format else { continue }
            if let detected, detected != format { return nil }
            detected = format
        }
        return detected
    }

    private static func classify(
        _ raw: UnsafeRawBufferPointer, fields: inout CSVFieldList, timeParser: inout CDRTimeParser
    ) -> CDRFormat? {
        var start = 0
        var end = min(raw.count, CDRLineDecoder.maximumLineLength)
        if end >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { start = 3 }
        while start < end, ASCII.isBlank(raw[start]) { start += 1 }
        while end > start, ASCII.isBlank(raw[end - 1]) || raw[end - 1] == ASCII.carriageReturn { end -= 1 }
        guard start < end else { return nil }
        if raw[start] == ASCII.openBrace { return .jsonLines }
        let line = UnsafeRawBufferPointer(rebasing: raw[start..<end])

        if (try? CSVFieldSplitter.split(line, rule: .doubled, into: &fields)) != nil, (16...21).contains(fields.count),
            timeParser.civilTime(in: line, field: fields[9]) != nil
        {
            return .asteriskCSV
        }
        if (try? CSVFieldSplitter.split(line, rule: .unescaped, into: &fields)) != nil,
            FreeSWITCHCSVDecoder.columnCounts.contains(fields.count),
            timeParser.civilTime(in: line, field: fields[4]) != nil,
            timeParser.civilTime(in: line, field: fields[6]) != nil
        {
            return .freeswitchCSV
        }
        return nil
    }
}
