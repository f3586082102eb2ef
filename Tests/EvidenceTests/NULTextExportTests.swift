import CallModel
import CallwardenPorts
import Evidence
import Foundation
import Incidents
import SQLiteStore
import Testing

/// Text after a NUL reaches the bundle: stored whole by every path (detection, incident, rule), it
/// is in `report.json` whole and shown inert in `report.html`.
@Suite("A NUL inside a callee's text or a rule's reason does not cut the evidence report")
struct NULTextExportTests {
    static let target = "1001\u{0}<b>evil</b>"

    @Test("detection → incident → report.json and report.html carry the target, rule reason and author after the NUL")
    func exportKeepsTextAfterNUL() throws {
        let root = try EvidenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteStore(path: root.appendingPathComponent("callwarden.sqlite").path)
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [CallEvent(
            time: EvidenceFixture.time(45), callID: "1700000000.11", source: .asteriskCSV, phase: .ended, disposition: .answered,
            callStart: EvidenceFixture.time(0), duration: .seconds(45), talkTime: .seconds(40),
            caller: CallerIdentity(raw: "07700900123", number: EvidenceFixture.caller),
            callee: CalledParty(raw: Self.target, key: Self.target))]
        batch.detections = [Detection(
            kind: .stalking, caller: EvidenceFixture.caller, callers: [EvidenceFixture.caller], target: Self.target, calls: 1,
            first: EvidenceFixture.time(0), last: EvidenceFixture.time(0), action: .alert, offence: 1, callIDs: ["1700000000.11"])]
        try store.commit(batch)
        _ = try store.addRule(
            Rule(match: .number(EvidenceFixture.caller), scope: Self.target, action: .block, reason: "stalking\u{0}<i>x</i>",
                 createdBy: "cli:alice\u{0}mallory", createdAt: EvidenceFixture.time(100)),
            actor: "cli:alice\u{0}mallory")
        let incident = try #require(try store.incidents(limit: 1).first)
        let timeline = try #require(try store.timeline(incidentID: incident.id))
        let out = root.appendingPathComponent("bundle").path
        _ = try EvidenceExporter().export(timeline, to: out, now: Date(timeIntervalSince1970: 1_700_003_600))

        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as? [String: Any])
        #expect((json["incident"] as? [String: Any])?["target"] as? String == Self.target)
        let detections = try #require(json["detections"] as? [[String: Any]])
        #expect(detections.map { $0["target"] as? String } == [Self.target])
        let decisions = try #require(json["decisions"] as? [[String: Any]])
        #expect(decisions.first?["reason"] as? String == "stalking\u{0}<i>x</i>")
        #expect(decisions.first?["by"] as? String == "cli:alice\u{0}mallory")

        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("1001\\u{0000}&lt;b&gt;evil&lt;/b&gt;"))
        #expect(html.contains("stalking\\u{0000}&lt;i&gt;x&lt;/i&gt;"))
        #expect(!html.contains("<b>evil</b>"))
    }
}
