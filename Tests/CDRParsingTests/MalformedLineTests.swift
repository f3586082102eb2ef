import CDRParsing
import CallModel
import Testing

/// One malformed line and the error it must give.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var format: CDRFormat
    var columns: AsteriskColumnLayout = .auto
    var line: [UInt8]
    var code: CDRLineError.Code
    var column: Int? = nil
    var field: CDRLineError.Field? = nil

    var testDescription: String { name }

    static func json(_ name: String, _ text: String, _ code: CDRLineError.Code, field: CDRLineError.Field? = nil) -> Self {
        MalformedCase(name: name, format: .jsonLines, line: Array(text.utf8), code: code, field: field)
    }

    static func asterisk(_ name: String, _ text: String, _ code: CDRLineError.Code, column: Int? = nil) -> Self {
        MalformedCase(name: name, format: .asteriskCSV, line: Array(text.utf8), code: code, column: column)
    }

    static func freeswitch(_ name: String, _ text: String, _ code: CDRLineError.Code, column: Int? = nil) -> Self {
        MalformedCase(name: name, format: .freeswitchCSV, line: Array(text.utf8), code: code, column: column)
    }

    /// The minimal JSON line with `fragment` spliced in after the opening brace.
    static func jsonWith(_ fragment: String) -> String {
        "{" + fragment + "," + Fixture.minimalJSON.dropFirst()
    }

    static let all: [MalformedCase] = [
        .asterisk("asterisk: 15 columns", Fixture.asteriskBase().split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ","), .wrongColumnCount),
        .asterisk("asterisk: 22 columns", Fixture.asteriskLine(.columns21) + ",\"x\"", .wrongColumnCount),
        MalformedCase(name: "asterisk: fixed 17 given 16", format: .asteriskCSV, columns: .fixed(.columns17),
            line: Array(Fixture.asteriskLine(.columns16).utf8), code: .wrongColumnCount),
        .asterisk("asterisk: unterminated quote", "\"\",\"07700900123", .unterminatedQuote, column: 2),
        .asterisk("asterisk: text after quoted field", "\"acct\"x," + Fixture.asteriskBase().dropFirst(3), .textAfterQuotedField, column: 1),
        .asterisk("asterisk: month 13", Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(start: "\"2024-13-15 14:30:22\"")), .badTimestamp, column: 10),
        .asterisk("asterisk: ISO T separator", Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(start: "\"2024-01-15T14:30:22\"")), .badTimestamp, column: 10),
        .asterisk("asterisk: bad answer", Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(answer: "\"soon\"")), .badTimestamp, column: 11),
        .asterisk("asterisk: February 30th", Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(end: "\"2024-02-30 10:00:00\"")), .badTimestamp, column: 12),
        .asterisk("asterisk: empty end", Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(end: "")), .badTimestamp, column: 12),
        .asterisk("asterisk: duration 4x", Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(duration: "4x")), .badInteger, column: 13),
        .asterisk("asterisk: negative billsec", Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(billsec: "-1")), .badInteger, column: 14),
        .asterisk("asterisk: empty billsec", Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(billsec: "")), .badInteger, column: 14),
        .asterisk("asterisk: huge duration", Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(duration: "9999999999999999999")), .badInteger, column: 13),
        .asterisk("asterisk: bad sequence", Fixture.asteriskBase() + ",\"u\",\"f\",\"\",\"l\",seven", .badInteger, column: 21),
        .freeswitch("freeswitch: 14 columns", Fixture.freeswitchLine() + ",\"PCMA\"", .wrongColumnCount),
        .freeswitch("freeswitch: empty uuid", Fixture.freeswitchLine(uuid: ""), .missingField, column: 11),
        .freeswitch("freeswitch: unterminated", "\"Alice,\"07700900123", .unterminatedQuote, column: 1),
        .freeswitch("freeswitch: bad billsec", Fixture.freeswitchLine(billsec: "3.5"), .badInteger, column: 9),
        .freeswitch("freeswitch: bad answer stamp", Fixture.freeswitchLine(answer: "2024-01-15 25:00:00"), .badTimestamp, column: 6),
        .json("json: not JSON", "hello", .badJSON),
        .json("json: array", "[1,2]", .badJSON),
        .json("json: truncated", String(Fixture.minimalJSON.dropLast()), .badJSON),
        .json("json: trailing data", Fixture.minimalJSON + " x", .badJSON),
        .json("json: trailing comma", jsonWith(#""a":1,"#).replacingFirstComma(), .badJSON),
        .json("json: leading zero", jsonWith(#""n":01"#), .badJSON),
        .json("json: bare fraction", jsonWith(#""n":1."#), .badJSON),
        .json("json: bad literal", jsonWith(#""n":tru"#), .badJSON),
        .json("json: bad escape", jsonWith(#""s":"\x""#), .badJSON),
        .json("json: short unicode escape", jsonWith(#""s":"\u12""#), .badJSON),
        .json("json: lone high surrogate", jsonWith(#""s":"\ud800x""#), .badJSON),
        .json("json: lone low surrogate", jsonWith(#""s":"\udc00""#), .badJSON),
        .json("json: raw tab in string", jsonWith("\"s\":\"a\tb\""), .badJSON),
        .json("json: single quotes", "{'time':1}", .badJSON),
        MalformedCase(name: "json: invalid UTF-8", format: .jsonLines,
            line: Array(#"{"s":""#.utf8) + [0xC3, 0x28] + Array(#"","time":1}"#.utf8), code: .invalidUTF8),
        MalformedCase(name: "json: overlong UTF-8", format: .jsonLines,
            line: Array(#"{"s":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8), code: .invalidUTF8),
        MalformedCase(name: "json: UTF-8 surrogate", format: .jsonLines,
            line: Array(#"{"s":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8), code: .invalidUTF8),
        .json("json: nesting too deep", jsonWith(#""deep":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40)), .nestingTooDeep),
        .json("json: missing call_id", #"{"time":1705321822,"phase":"ended","caller":"x","callee":"1001"}"#, .missingField, field: .callID),
        .json("json: missing time", #"{"call_id":"c","phase":"ended","caller":"x","callee":"1001"}"#, .missingField, field: .time),
        .json("json: missing callee", #"{"time":1,"call_id":"c","phase":"ended","caller":"x"}"#, .missingField, field: .callee),
        .json("json: time is a bool", jsonWith(#""duration":1"#).replacingOccurrences(#""time":"2024-01-15T12:31:02Z""#, #""time":true"#), .badFieldType, field: .time),
        .json("json: time is null", #"{"time":null,"call_id":"c","phase":"ended","caller":"x","callee":"1001"}"#, .badFieldType, field: .time),
        .json("json: call_id is a number", #"{"time":1,"call_id":7,"phase":"ended","caller":"x","callee":"1001"}"#, .badFieldType, field: .callID),
        .json("json: empty call_id", #"{"time":1,"call_id":"","phase":"ended","caller":"x","callee":"1001"}"#, .badFieldValue, field: .callID),
        .json("json: privacy is a string", jsonWith(#""privacy":"yes""#), .badFieldType, field: .privacy),
        .json("json: unknown phase", #"{"time":1,"call_id":"c","phase":"hung-up","caller":"x","callee":"1001"}"#, .unknownPhase, field: .phase),
        .json("json: version 2", jsonWith(#""v":2,"phase2":"x""#), .unsupportedVersion, field: .version),
        .json("json: version 1.5", jsonWith(#""v":1.5"#), .unsupportedVersion, field: .version),
        .json("json: version as string", jsonWith(#""v":"1""#), .badFieldType, field: .version),
        .json("json: version before type errors", #"{"v":2,"time":true,"call_id":"c","phase":"ended","caller":"x","callee":"1001"}"#, .unsupportedVersion, field: .version),
        .json("json: duplicate time", jsonWith(#""time":1"#), .duplicateField, field: .time),
        .json("json: bad time text", #"{"time":"yesterday","call_id":"c","phase":"ended","caller":"x","callee":"1001"}"#, .badTimestamp, field: .time),
        .json("json: time without offset", #"{"time":"2024-01-15T12:30:22","call_id":"c","phase":"ended","caller":"x","callee":"1001"}"#, .badTimestamp, field: .time),
        .json("json: offset hour 24", #"{"time":"2024-01-15T12:30:22+24:00","call_id":"c","phase":"ended","caller":"x","callee":"1001"}"#, .badTimestamp, field: .time),
        .json("json: epoch beyond year 9999", #"{"time":1e20,"call_id":"c","phase":"ended","caller":"x","callee":"1001"}"#, .badTimestamp, field: .time),
        .json("json: start not a time", jsonWith(#""start":"later""#), .badTimestamp, field: .start),
        .json("json: negative duration", jsonWith(#""duration":-3"#), .badFieldValue, field: .duration),
        .json("json: talk_time as string", jsonWith(#""talk_time":"35""#), .badFieldType, field: .talkTime),
        .json("json: asserted identity not a number", jsonWith(#""asserted_identity":"abc""#), .badFieldValue, field: .assertedIdentity),
        .json("json: unknown disposition", jsonWith(#""disposition":"maybe""#), .badFieldValue, field: .disposition),
        MalformedCase(name: "any: line too long", format: .asteriskCSV,
            line: Array(repeating: UInt8(ascii: "a"), count: CDRLineDecoder.maximumLineLength + 1), code: .lineTooLong),
        MalformedCase(name: "json: line too long", format: .jsonLines,
            line: Array(jsonWith(#""pad":""# + String(repeating: "x", count: 70_000) + "\"").utf8), code: .lineTooLong),
    ]
}

extension String {
    /// Test helper: plain substring replacement (no Foundation).
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    /// Turns `{"a":1,,...` into `{"a":1,}`: a trailing comma before the closing brace.
    func replacingFirstComma() -> String {
        guard let range = firstRange(of: ",,") else { return self }
        return String(self[..<range.lowerBound]) + ",}"
    }
}

@Suite("Malformed lines")
struct MalformedLineTests {
    @Test("each malformed line gives its error code", arguments: MalformedCase.all)
    func malformed(testCase: MalformedCase) throws {
        var decoder = Fixture.decoder(testCase.format, columns: testCase.columns)
        let error = try #require(Fixture.error(decoding: testCase.line, with: &decoder))
        #expect(error.code == testCase.code)
        #expect(error.column == testCase.column)
        #expect(error.field == testCase.field)
    }

    @Test func thereAreAtLeastFifteenDistinctCases() {
        #expect(Set(MalformedCase.all.map(\.name)).count == MalformedCase.all.count)
        #expect(Set(MalformedCase.all.map(\.code)).count >= 15)
    }

    @Test func descriptionNamesCodeAndPlaceButNoContent() {
        #expect(CDRLineError(.badTimestamp, column: 12).description == "bad-timestamp (column 12)")
        #expect(CDRLineError(.missingField, field: .callID).description == "missing-field (field call_id)")
        #expect(CDRLineError(.badJSON, byteOffset: 17).description == "bad-json (byte 17)")
        #expect(CDRLineError(.lineTooLong).description == "line-too-long")
    }

    @Test func jsonSyntaxErrorsCarryTheirByteOffset() throws {
        var decoder = Fixture.decoder(.jsonLines)
        let error = try #require(Fixture.error(decoding: Array(#"{"time":tru}"#.utf8), with: &decoder))
        #expect(error.code == .badJSON)
        #expect(error.byteOffset == 8)
    }

    @Test func decoderRecoversAfterAnError() throws {
        var decoder = Fixture.decoder(.asteriskCSV)
        #expect(Fixture.error(decoding: Array("\"unterminated".utf8), with: &decoder)?.code == .unterminatedQuote)
        #expect(try decoder.decode(Fixture.asteriskLine(.columns17))?.callID == Fixture.uniqueID)
    }
}
