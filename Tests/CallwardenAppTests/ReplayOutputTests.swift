import CallModel
import CallwardenApp
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
}
