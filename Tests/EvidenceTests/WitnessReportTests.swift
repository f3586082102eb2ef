import CallModel
import CallwardenPorts
import Evidence
import Foundation
import Incidents
import SQLiteStore
import Testing

@Suite("Evidence report: every witness of a call, and the decision service's answer")
struct WitnessReportTests {
    static let callID = "a84b4c76e66710@carrier.example"
    /// A rule reason as a person typed it: markup must read as text.
    static let reason = "threatened <b>reception</b> & staff"

    /// One call seen twice: the decision question (blocked by rule 7, so it never rang) and the
    /// PBX's CDR of the refused call; a detection puts it into an incident.
    static func exportBundle(in root: URL) throws -> String {
        let store = try SQLiteStore(path: root.appendingPathComponent("callwarden.sqlite").path)
        defer { try? store.close() }
        let caller = CallerIdentity(raw: "+447700900123", number: EvidenceFixture.caller)
        let callee = CalledParty(raw: "1001", key: "1001")
        var question = CallEvent(
            time: EvidenceFixture.time(0), callID: callID, source: .decisionRequest, phase: .started,
            callStart: EvidenceFixture.time(0), caller: caller, callee: callee)
        question.decision = CallDecision(action: .block, ruleID: 7, reason: reason)
        let cdr = CallEvent(
            time: EvidenceFixture.time(2), callID: callID, source: .asteriskCSV, phase: .failed, disposition: .busy,
            callStart: EvidenceFixture.time(0), duration: .seconds(2), talkTime: .seconds(0), caller: caller, callee: callee)
        var batch = IngestBatch()
        batch.events = [question, cdr]
        batch.detections = [Detection(
            kind: .repeatCaller, caller: EvidenceFixture.caller, callers: [EvidenceFixture.caller], target: "1001",
            calls: 1, first: EvidenceFixture.time(0), last: EvidenceFixture.time(0), action: .alert, offence: 1,
            callIDs: [callID])]
        try store.commit(batch)
        let incident = try #require(try store.incidents(limit: 10).first)
        let timeline = try #require(try store.timeline(incidentID: incident.id))
        #expect(timeline.calls.count == 1, "the two witnesses are one call")
        let exporter = EvidenceExporter(
            timeFormat: EvidenceTimeFormat(timeZone: try #require(TimeZone(identifier: "Europe/Helsinki"))))
        return try exporter.export(
            timeline, to: root.appendingPathComponent("bundle").path, now: Date(timeIntervalSince1970: 1_700_003_600)
        ).directory
    }

    @Test("report.json lists the call's decision and both witnesses; report.html escapes them as text")
    func reportListsWitnesses() throws {
        let root = try EvidenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let bundle = try Self.exportBundle(in: root)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/report.json"))) as? [String: Any]
        let calls = try #require(json?["calls"] as? [[String: Any]])
        let call = try #require(calls.first)
        #expect(calls.count == 1)
        #expect(call["call_id"] as? String == Self.callID)
        #expect(call["blocked_before_ringing"] as? Bool == true)
        let decision = try #require(call["decision"] as? [String: Any])
        #expect(decision["action"] as? String == "block")
        #expect(decision["rule"] as? Int == 7)
        #expect(decision["reason"] as? String == Self.reason)
        let witnesses = try #require(call["witnesses"] as? [[String: Any]])
        #expect(witnesses.map { $0["source"] as? String } == ["decision", "asterisk-csv"])
        #expect(witnesses.map { $0["phase"] as? String } == ["started", "failed"])
        #expect(witnesses.map { $0["time"] as? String } == ["2023-11-14T22:13:20Z", "2023-11-14T22:13:22Z"])
        #expect(witnesses.map { $0["disposition"] as? String } == [nil, "busy"])

        let html = try String(contentsOfFile: bundle + "/report.html", encoding: .utf8)
        #expect(html.contains("block by rule 7: threatened &lt;b&gt;reception&lt;/b&gt; &amp; staff"))
        #expect(!html.contains("<b>reception"))
    }

    @Test(
        "headless Chromium shows the decision, blocked before ringing, and each witness with local and UTC time",
        .enabled(if: Chromium.shouldRun, "needs Debian's chromium (scripts/install-evidence-test-packages)"))
    func chromiumShowsWitnesses() throws {
        let root = try EvidenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try Chromium.renderedText(of: Self.exportBundle(in: root) + "/report.html")
        #expect(text.contains("block by rule 7: " + Self.reason))  // markup shown as text
        #expect(text.contains("Blocked before ringing | Call ID | "))  // the calls table's column
        #expect(text.contains("| busy | 2 s | 0 s | block by rule 7: "))
        #expect(text.contains("| yes | " + Self.callID + " | "))  // blocked before ringing
        #expect(text.contains("Call from +447700900123 to 1001: blocked before ringing"))  // the timeline
        #expect(text.contains(Self.callID + " | decision | started | 2023-11-15 00:13:20 (Europe/Helsinki, UTC+02:00) = 2023-11-14 22:13:20 UTC | "))
        #expect(text.contains(Self.callID + " | asterisk-csv | failed | 2023-11-15 00:13:22 (Europe/Helsinki, UTC+02:00) = 2023-11-14 22:13:22 UTC | busy | "))
    }
}
