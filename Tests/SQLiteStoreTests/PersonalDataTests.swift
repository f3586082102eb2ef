import CallModel
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore
import Testing

@Suite("Personal data: retention of calls and closed incidents, access and erasure requests")
struct PersonalDataTests {
    /// An incident about Fixture.caller resting on two calls, an ordinary call of another number,
    /// a recording of the ordinary call and a manual block of Fixture.caller.
    private func store() throws -> (SQLiteStore, Int64) {
        let store = try SQLiteStore.temporary()
        var batch = IngestBatch()
        var ordinary = Fixture.fullEvent(callID: "ordinary", at: 30)
        ordinary.caller = CallerIdentity(raw: "07700900456", number: Fixture.otherCaller)
        batch.events = [Fixture.fullEvent(callID: "call,0\n\"x\""), Fixture.fullEvent(callID: "call,1\n\"x\"", at: 60), ordinary]
        batch.detections = [Fixture.detection(calls: 2, last: 60, action: .alert)]
        try store.commit(batch)
        _ = try store.linkRecording(NewRecording(
            callID: "ordinary", location: "/rec/ordinary.wav", origin: .file, size: 1, sha256: nil, recordedAt: nil,
            linkedAt: Fixture.time(40), actor: "watcher"))
        _ = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        return (store, try #require(try store.incidents(limit: 1).first?.id))
    }

    @Test("ordinary calls past the cutoff go with their recording links; calls an incident rests on stay")
    func ordinaryCallsPurged() throws {
        let (store, id) = try store()
        defer { try? store.close() }
        let purged = try store.purgeOrdinaryCalls(countedBefore: Fixture.time(10_000), limit: 100)
        #expect(purged.events == 1 && purged.recordings == 1)
        #expect(try store.statistics().events == 2)
        #expect(try store.timeline(incidentID: id)?.calls.count == 2)
        #expect(try store.verifyEvidenceChain().findings == [])
    }

    @Test("a closed incident past retention is purged whole with a record of the purge; an open one never")
    func closedIncidentPurged() throws {
        let (store, id) = try store()
        defer { try? store.close() }
        #expect(try store.purgeNextClosedIncident(closedBefore: Fixture.time(100_000), actor: "retention", at: Fixture.time(100_000)) == nil)
        _ = try store.changeStatus(incidentID: id, to: .closed, actor: "alice", note: "resolved", at: Fixture.time(1_000))
        #expect(try store.purgeNextClosedIncident(closedBefore: Fixture.time(500), actor: "retention", at: Fixture.time(100_000)) == nil)
        #expect(try store.purgeNextClosedIncident(closedBefore: Fixture.time(100_000), actor: "retention", at: Fixture.time(100_000)) == id)
        #expect(try store.timeline(incidentID: id) == nil)
        #expect(try store.statistics().events == 1)  // the ordinary call, not yet past its own retention
        #expect(try store.statistics().detections == 0)
        let audit = try store.auditLog(limit: 100)
        let purge = try #require(audit.first { $0.action == "retention.purge" })
        #expect(purge.subject == "incident \(id)")
        #expect(purge.detail.contains("call_events 2") && !purge.detail.contains("7700900"))
        #expect(!audit.contains { $0.subject == "incident \(id)" && $0.action != "retention.purge" })
        #expect(try store.verifyEvidenceChain().findings == [])
    }

    @Test("export writes every record of the number as JSON and audits it under the pseudonym only")
    func export() throws {
        let (store, _) = try store()
        defer { try? store.close() }
        let json = try store.exportPersonalData(number: Fixture.caller, pseudonym: "hmac:abc", actor: "dpo", at: Fixture.time(2_000))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object["number"] as? String == Fixture.caller.description)
        #expect((object["call_events"] as? [Any])?.count == 2)
        #expect((object["detections"] as? [Any])?.count == 1)
        #expect((object["incidents"] as? [Any])?.count == 1)
        #expect((object["rules"] as? [Any])?.count == 1)
        #expect(!String(decoding: json, as: UTF8.self).contains("ordinary"))
        let entry = try #require(try store.auditLog(limit: 100).first { $0.action == "privacy.export" })
        #expect(entry.subject == "number hmac:abc" && entry.detail == "9 records exported")
    }

    @Test("erasure is refused while the incident is open, then removes every record and keeps the chain intact")
    func erase() throws {
        let (store, id) = try store()
        defer { try? store.close() }
        #expect(throws: PersonalDataError.legalHold(incidents: [id])) {
            try store.erasePersonalData(
                number: Fixture.caller, pseudonym: "hmac:abc", reason: "SAR-1", actor: "dpo", at: Fixture.time(2_000))
        }
        #expect(try store.statistics().events == 3)
        _ = try store.changeStatus(incidentID: id, to: .closed, actor: "alice", note: "resolved", at: Fixture.time(1_000))
        // A second block, removed: its history names the number too.
        let second = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        _ = try store.removeRules(
            RuleRemoval(selector: .id(try #require(second.id)), actor: "cli:bob", reason: "wrong", falsePositive: false,
                        time: Fixture.time(1_500)))
        let before = try store.exportPersonalData(number: Fixture.caller, pseudonym: "hmac:abc", actor: "dpo", at: Fixture.time(1_600))
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(before)) as? [String: Any])
        #expect((listed["rule_history"] as? [Any])?.count == 1)
        let removed = try store.erasePersonalData(
            number: Fixture.caller, pseudonym: "hmac:abc", reason: "request about +447700900123 (SAR-1)", actor: "dpo",
            at: Fixture.time(2_000))
        #expect(removed["call_events"] == 2 && removed["incidents"] == 1 && removed["rules"] == 1 && removed["rule_history"] == 1)
        #expect(try store.statistics().events == 1)
        #expect(try store.rules(activeAt: Fixture.time(0), includeExpired: true).isEmpty)
        let json = try store.exportPersonalData(number: Fixture.caller, pseudonym: "hmac:abc", actor: "dpo", at: Fixture.time(3_000))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object.filter { $0.key != "number" }.allSatisfy { ($0.value as? [Any])?.isEmpty == true })
        let audit = try store.auditLog(limit: 100)
        let entry = try #require(audit.first { $0.action == "privacy.erase" })
        #expect(entry.detail.hasPrefix("reason: request about hmac:abc (SAR-1); removed "))
        #expect(!audit.contains { $0.subject.contains("7700900123") || $0.detail.contains("7700900123") })
        #expect(try store.verifyEvidenceChain().findings == [])
    }
}
