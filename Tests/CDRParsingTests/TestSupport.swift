import CDRParsing
import CallModel

/// Shared fixtures: synthetic lines with Ofcom drama-range numbers (+44 7700 900xxx,
/// +44 20 7946 0xxx) and helpers to decode them.
enum Fixture {
    static let plan = NumberPlan.unitedKingdom

    static func decoder(
        _ format: CDRFormat, columns: AsteriskColumnLayout = .auto, zone: LocalTimeZone = .utc
    ) -> CDRLineDecoder {
        CDRLineDecoder(format: format, configuration: CDRDecoderConfiguration(plan: plan, timeZone: zone, asteriskColumns: columns))
    }

    /// UTC instant from civil fields.
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, micro: Int = 0) -> Timestamp {
        CivilDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second, microsecond: micro)
            .timestamp(utcOffsetSeconds: 0)
    }

    /// The error a decode threw, or nil when it did not throw.
    static func error(decoding line: [UInt8], with decoder: inout CDRLineDecoder) -> CDRLineError? {
        do {
            _ = try decoder.decode(line)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Asterisk

    /// The 16 fixed Asterisk columns, as cdr_csv writes them; parts can be replaced.
    static func asteriskBase(
        src: String = "\"07700900123\"",
        dst: String = "\"1001\"",
        clid: String = "\"\"\"Caller\"\" <07700900123>\"",
        start: String = "\"2024-01-15 14:30:22\"",
        answer: String = "\"2024-01-15 14:30:27\"",
        end: String = "\"2024-01-15 14:31:02\"",
        duration: String = "40",
        billsec: String = "35",
        disposition: String = "\"ANSWERED\""
    ) -> String {
        [
            "\"\"", src, dst, "\"from-trunk\"", clid, "\"PJSIP/trunk-00000007\"", "\"PJSIP/1001-00000008\"",
            "\"Dial\"", "\"PJSIP/1001,30\"", start, answer, end, duration, billsec, disposition, "\"DOCUMENTATION\"",
        ].joined(separator: ",")
    }

    static let uniqueID = "1705321822.42"
    static let linkedID = "1705321800.40"

    /// A valid line with the given optional columns.
    static func asteriskLine(_ columns: AsteriskColumnSet, base: String = asteriskBase()) -> String {
        var line = base
        if columns.uniqueID { line += ",\"\(uniqueID)\"" }
        if columns.userField { line += ",\"vip\"" }
        if columns.newCDRColumns { line += ",\"\",\"\(linkedID)\",7" }
        return line
    }

    // MARK: FreeSWITCH

    static let uuid = "a1b2c3d4-0000-4000-8000-000000000001"

    static func freeswitchLine(
        name: String = "Alice Example",
        number: String = "07700900123",
        answer: String = "2024-01-15 14:30:27",
        billsec: String = "35",
        cause: String = "NORMAL_CLEARING",
        uuid: String = Fixture.uuid,
        example: Bool = false
    ) -> String {
        var values = [
            name, number, "1001", "default", "2024-01-15 14:30:22", answer, "2024-01-15 14:31:02", "40", billsec,
            cause, uuid, "", "1000",
        ]
        if example { values += ["PCMA", "PCMA"] }
        return values.map { "\"" + $0 + "\"" }.joined(separator: ",")
    }

    // MARK: JSON

    static let minimalJSON =
        #"{"time":"2024-01-15T12:31:02Z","call_id":"call-1","phase":"ended","caller":"07700900123","callee":"1001"}"#

    /// Valid lines of every format, for detector, drip-feed and mutation tests.
    static var validLines: [(CDRFormat, String)] {
        var lines: [(CDRFormat, String)] = [
            AsteriskColumnSet.columns16, .columns17, .columns18, .columns19, .columns20, .columns21,
        ].map { (.asteriskCSV, asteriskLine($0)) }
        lines.append((.asteriskCSV, asteriskLine(.columns16, base: asteriskBase(answer: "", billsec: "0", disposition: "\"NO ANSWER\""))))
        lines.append((.freeswitchCSV, freeswitchLine()))
        lines.append((.freeswitchCSV, freeswitchLine(name: "Al \"Bad\" Caller", example: true)))
        lines.append((.jsonLines, minimalJSON))
        lines.append((.jsonLines, fullJSON))
        return lines
    }

    static let fullJSON = #"""
        {"v":1,"time":"2024-01-15T14:31:02+02:00","call_id":"abc-1","phase":"ended","caller":"+447700900123","callee":"1001","caller_name":"Caf\u00e9 \"Q\" \ud83d\ude00\/\t","asserted_identity":"020 7946 0123","privacy":true,"disposition":"answered","start":1705321822.5,"duration":40,"talk_time":35.25,"extra":{"nested":[1,2,{"x":null}],"e":-1.5e-3},"z":false}
        """#
}
