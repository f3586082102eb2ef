import CDRParsing
import CallModel
import CallwardenApp
import Foundation
import Testing

/// `callwarden replay` prints what a CDR file holds: a callee's text (a detection's target) and a
/// file's path must not add a line or drive the terminal.
@Suite("Replay output is inert")
struct ReplayOutputTests {
    @Test("the table escapes control, C1 and bidi characters of targets and paths; lines stay as the table makes them")
    func tableEscapes() {
        let target = "1001\u{1B}[2J\nforged line\u{9B}31m\u{202E}x\u{0}"
        let caller = E164Number(e164: "+447700900123")!
        let detection = Detection(
            kind: .stalking, caller: caller, callers: [caller], target: target, calls: 3,
            first: Timestamp(secondsSinceEpoch: 1_700_000_000), last: Timestamp(secondsSinceEpoch: 1_700_000_600), action: .alert)
        let report = ReplayReport(
            events: 3, calls: 3, malformed: 0, detections: [detection],
            files: [ReplayFileSummary(path: "/tmp/cdr\nMaster.csv", format: nil, events: 3, malformed: 0)])
        let table = report.table()
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5)  // the file, the totals, a blank line, the header, one detection
        #expect(!table.unicodeScalars.contains { $0 != "\n" && InertText.isHidden($0) })
        #expect(lines[0].hasPrefix("/tmp/cdr\\u{000A}Master.csv: "))
        #expect(lines[4].contains(#"1001\u{001B}[2J\u{000A}forged line\u{009B}31m\u{202E}x\u{0000}"#))
    }

    @Test("--json is byte for byte what JSONSerialization (pretty, sorted keys) wrote, hostile text included")
    func jsonMatchesJSONSerialization() throws {
        var hostile = ""
        for value in 0..<0x80 { hostile.unicodeScalars.append(Unicode.Scalar(UInt8(value))) }
        hostile += "\u{85}\u{A0}\u{2028}\u{202E}\u{FEFF}é😇\u{FFFD}e\u{301}"
        let caller = E164Number(e164: "+447700900123")!
        let other = E164Number(e164: "+441134960840")!
        let first = Timestamp(secondsSinceEpoch: 1_700_000_000)
        let stalking = Detection(
            kind: .stalking, caller: caller, callers: [caller], target: hostile, calls: 3, first: first,
            last: Timestamp(secondsSinceEpoch: 1_700_000_600), action: .alert)
        var hopping = Detection(
            kind: .numberHopping, caller: nil, callers: [caller, other], target: "1001/x\"y", calls: 12, first: first,
            last: first, action: .alert)
        hopping.actionExpires = Timestamp(secondsSinceEpoch: 1_700_003_600)
        hopping.offence = 2
        let unidentified = Detection(
            kind: .stalking, caller: nil, callers: [], target: "", calls: 4, first: first, last: first, action: .alert)
        let reports = [
            ReplayReport(events: 0, calls: 0, malformed: 0, detections: [], files: []),
            ReplayReport(
                events: 7, calls: 3, malformed: 2, detections: [stalking, hopping, unidentified],
                files: [
                    ReplayFileSummary(path: "/tmp/cdr\nMaster.csv", format: nil, events: 3, malformed: 0),
                    ReplayFileSummary(path: hostile, format: .asteriskCSV, events: 4, malformed: 2),
                ]),
        ]
        for report in reports {
            #expect(report.json() == Self.serialized(report))
        }
    }

    /// What `json()` wrote before it wrote the text itself.
    private static func serialized(_ report: ReplayReport) -> String {
        var object: [String: Any] = ["events": report.events, "calls": report.calls, "malformed": report.malformed]
        object["detections"] = report.detections.map { detection -> [String: Any] in
            [
                "kind": detection.kind.rawValue,
                "caller": detection.caller.map { $0.description as Any } ?? NSNull(),
                "callers": detection.callers.map(\.description),
                "target": detection.target,
                "calls": detection.calls,
                "first": detection.first.rfc3339,
                "last": detection.last.rfc3339,
                "action": detection.action.rawValue,
                "offence": detection.offence,
                "action_expires": detection.actionExpires.map { $0.rfc3339 as Any } ?? NSNull(),
            ]
        }
        object["files"] = report.files.map { file -> [String: Any] in
            ["path": file.path, "format": file.formatName as Any, "events": file.events, "malformed": file.malformed]
        }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
