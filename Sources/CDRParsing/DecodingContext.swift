import CallModel

/// The reusable state one ``CDRLineDecoder`` carries from line to line: the field buffer, the
/// time-zone cache and the number cache. Not shared between threads: each decoder owns one.
struct DecodingContext {
    /// Field offsets of the current CSV line.
    var fields = CSVFieldList()
    var timeParser = CDRTimeParser()
    var times: LocalTimeCache
    var parties: PartyInterner
    let asteriskColumns: AsteriskColumnLayout

    init(configuration: CDRDecoderConfiguration) {
        self.times = LocalTimeCache(zone: configuration.timeZone)
        self.parties = PartyInterner(plan: configuration.plan)
        self.asteriskColumns = configuration.asteriskColumns
    }

    /// Whether the CSV timestamp in `column` (1-based) is present, checking it without converting
    /// it (for columns the event does not keep, like `answer`); empty is fine.
    mutating func hasLocalTime(in line: UnsafeRawBufferPointer, column: Int) throws(CDRLineError) -> Bool {
        let field = fields[column - 1]
        if field.isEmpty { return false }
        guard timeParser.civilTime(in: line, field: field) != nil else {
            throw CDRLineError(.badTimestamp, column: column)
        }
        return true
    }

    /// The instant of the CSV timestamp in `column` (1-based); empty is an error.
    mutating func localTime(in line: UnsafeRawBufferPointer, column: Int) throws(CDRLineError) -> Timestamp {
        guard let civil = timeParser.civilTime(in: line, field: fields[column - 1]) else {
            throw CDRLineError(.badTimestamp, column: column)
        }
        return times.timestamp(for: civil)
    }

    /// The whole-second count in `column` (1-based).
    func seconds(in line: UnsafeRawBufferPointer, column: Int) throws(CDRLineError) -> Int64 {
        guard let value = CDRIntegerParser.value(in: line, field: fields[column - 1]) else {
            throw CDRLineError(.badInteger, column: column)
        }
        return value
    }

    /// The text of `column` (1-based), unescaped.
    func text(in line: UnsafeRawBufferPointer, column: Int) -> String {
        line.string(of: fields[column - 1])
    }

    /// Whether `column` (1-based) holds exactly `literal`, ignoring ASCII case.
    func column(_ column: Int, in line: UnsafeRawBufferPointer, is literal: StaticString) -> Bool {
        guard column - 1 < fields.count else { return false }
        let field = fields[column - 1]
        return line.equalsASCIICaseInsensitive(literal, from: field.start, to: field.end)
    }
}
