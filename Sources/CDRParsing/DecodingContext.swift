import CallModel

/// The reusable state one ``CDRLineDecoder`` carries from line to line: the field buffer, the
/// time-zone cache and the number cache. Not shared between threads: each decoder owns one.
struct DecodingContext {
    /// Field offsets of the current CSV line (capacity kept between lines).
    var fields: [CSVField]
    var times: LocalTimeCache
    var parties: PartyInterner
    let asteriskColumns: AsteriskColumnLayout

    init(configuration: CDRDecoderConfiguration) {
        self.fields = []
        self.fields.reserveCapacity(AsteriskFieldSplitter.maximumFields)
        self.times = LocalTimeCache(zone: configuration.timeZone)
        self.parties = PartyInterner(plan: configuration.plan)
        self.asteriskColumns = configuration.asteriskColumns
    }

    /// The instant of the CSV timestamp in `column` (1-based), or nil when the field is empty.
    mutating func optionalLocalTime(in line: UnsafeRawBufferPointer, column: Int) throws(CDRLineError) -> Timestamp? {
        let field = fields[column - 1]
        if field.isEmpty { return nil }
        guard let civil = CDRTimeParser.civilTime(in: line, field: field) else {
            throw CDRLineError(.badTimestamp, column: column)
        }
        return times.timestamp(for: civil)
    }

    /// The instant of the CSV timestamp in `column` (1-based); empty is an error.
    mutating func localTime(in line: UnsafeRawBufferPointer, column: Int) throws(CDRLineError) -> Timestamp {
        guard let time = try optionalLocalTime(in: line, column: column) else {
            throw CDRLineError(.badTimestamp, column: column)
        }
        return time
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
