import CallModel
import CallwardenPorts
import Foundation
import Incidents
import Logging
import PostgresStore
import Testing

/// Issue 15: a data subject's access and erasure requests on the shared store answer for, and
/// erase at, every site; an incident not closed holds the records; the chain stays intact.
@Suite("Several sites: personal data on PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SharedPersonalDataTests {
    @Test("export finds two sites' calls, a rule and its history; erasure is refused under legal hold, then removes them all, audited under the pseudonym, chain intact")
    func exportAndErase() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let sites = try ["site-a", "site-b"].map { try PostgresStore(settings: settings, node: $0, logger: Logger(label: "test")) }
        defer { sites.forEach { $0.close() } }
        for (index, site) in sites.enumerated() {
            var batch = IngestBatch()
            batch.events = [Fixture.fullEvent(callID: "call-\(index)\u{0}x", at: Int64(index) * 60)]
            try site.commit(batch)
        }
        var other = IngestBatch()
        other.events = [Fixture.minimalEvent(callID: "someone-else")]
        try sites[0].commit(other)
        let rule = try sites[0].addRule(
            Rule(match: .number(Fixture.caller), action: .block, reason: "calls", createdBy: "cli:ops", createdAt: Fixture.time(100)),
            actor: "cli:ops")
        _ = try sites[1].removeRule(id: try #require(rule.id), actor: "cli:ops", reason: "over", at: Fixture.time(110))
        let flagged = try sites[1].flagMaliciousCall(
            MCIDRequest(call: .callID("call-1\u{0}x"), kind: .threat, actor: "ops:carol", time: Fixture.time(120)), crisisLine: nil)

        let export = try sites[0].exportPersonalData(number: Fixture.caller, pseudonym: "hmac:abc", actor: "dpo", at: Fixture.time(130))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(export)) as? [String: Any])
        #expect((json["call_events"] as? [[String: Any]])?.count == 2, "both sites' calls, not the other caller's")
        #expect((json["rule_history"] as? [[String: Any]])?.count == 1)
        #expect(((json["call_events"] as? [[String: Any]])?.compactMap { $0["call_id"] as? String }.sorted()) == ["call-0\\000x", "call-1\\000x"])

        #expect(throws: PersonalDataError.legalHold(incidents: [flagged.incident.id])) {
            try sites[1].erasePersonalData(number: Fixture.caller, pseudonym: "hmac:abc", reason: "SAR-1", actor: "dpo", at: Fixture.time(140))
        }
        _ = try sites[0].changeStatus(incidentID: flagged.incident.id, to: .closed, actor: "ops:carol", note: "done", at: Fixture.time(150))
        let removed = try sites[1].erasePersonalData(
            number: Fixture.caller, pseudonym: "hmac:abc", reason: "SAR-1 for +447700900123", actor: "dpo", at: Fixture.time(160))
        #expect(removed["call_events"] == 2)
        #expect(removed["rule_history"] == 1)
        #expect(removed["incidents"] == 1)
        #expect(try sites[0].statistics().events == 1, "the other caller's call stays")
        let audit = try #require(try sites[0].auditLog(limit: 10).first { $0.action == "privacy.erase" })
        #expect(audit.subject == "number hmac:abc")
        #expect(!audit.detail.contains("7700900123"))
        #expect(try sites[0].verifyEvidenceChain().isIntact, "every delete is chained")
        #expect(try sites[0].incidentsUnderLegalHold().isEmpty)
    }
}
