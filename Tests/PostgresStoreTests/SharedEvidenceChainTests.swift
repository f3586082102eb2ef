import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Incidents
import Logging
import PostgresStore
import Testing

/// Issue 15: the evidence chain works on the shared store too. Writes made through any node are
/// chained; changes made behind the store's back (triggers off, as a superuser can) are found.
@Suite("Several sites: the evidence chain on PostgreSQL", .serialized, .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SharedEvidenceChainTests {
    /// Two nodes on a fresh database, an incident from an MCID flag (with its call linked and a
    /// block), a note, a rule removed: evidence written from both nodes.
    static func evidence() throws -> (server: PostgresTestServer, database: String, nodes: [PostgresStore], incident: Int64) {
        let server = try PostgresTestServer.shared.get()
        let settings = try server.makeDatabase()
        let nodes = try ["site-a", "site-b"].map { try PostgresStore(settings: settings, node: $0, logger: Logger(label: "test")) }
        var batch = IngestBatch()
        batch.events = [MCIDContract.withheldCall(callID: "chained-call", at: 100), Fixture.fullEvent(callID: "plain-call")]
        try nodes[0].commit(batch)
        let flagged = try nodes[1].flagMaliciousCall(
            MCIDRequest(call: .callID("chained-call"), kind: .threat, actor: "ops:carol", time: Fixture.time(200), addBlock: true),
            crisisLine: nil)
        try nodes[0].addNote(incidentID: flagged.incident.id, actor: "ops:dave", note: "called the police", at: Fixture.time(300))
        let extra = try nodes[0].addRule(
            Rule(match: .number(Fixture.landline), action: .block, reason: "test", createdBy: "cli:ops", createdAt: Fixture.time(310)),
            actor: "cli:ops")
        _ = try nodes[1].removeRule(id: try #require(extra.id), actor: "cli:ops", reason: "wrong number", at: Fixture.time(320))
        _ = try nodes[1].linkRecording(
            NewRecording(
                callID: "chained-call", location: "/var/spool/asterisk/monitor/chained-call.wav", origin: .file, size: 1_024,
                sha256: String(repeating: "ab", count: 32), recordedAt: Fixture.time(130), linkedAt: Fixture.time(330), actor: "recordings"))
        // A late witness of the linked call is chained when it is stored.
        var late = IngestBatch()
        late.events = [MCIDContract.withheldCall(callID: "chained-call", at: 101)]
        late.events[0].source = .sip
        try nodes[1].commitPushed(late)
        return (server, settings.database, nodes, flagged.incident.id)
    }

    @Test("writes from two nodes are one intact chain: incident, link, the call's events (also one stored after the link), log, flag, rules, history, audit")
    func intact() throws {
        let (_, _, nodes, _) = try Self.evidence()
        defer { nodes.forEach { $0.close() } }
        let report = try nodes[0].verifyEvidenceChain()
        #expect(report.isIntact, "\(report.findings)")
        #expect(report.head?.count == 64)
        #expect(report.entries >= 12)
        #expect(try nodes[1].verifyEvidenceChain().head == report.head, "one chain, whichever node reads it")
    }

    @Test("callwarden evidence verify on a site node checks the shared chain")
    func verifyThroughTheConfiguration() throws {
        let (server, database, nodes, _) = try Self.evidence()
        defer { nodes.forEach { $0.close() } }
        guard case .socket(let socketDirectory, let port) = server.settings(database: database).endpoint else { return }
        let configuration = try CallwardenConfiguration.parse(
            yaml: "store:\n  url: postgresql://\(PostgresTestServer.user)@:\(port)/\(database)?host=\(socketDirectory)\n  node: ops\n",
            baseDirectory: "/tmp")
        #expect(try configuration.verifyEvidenceChain().head == (try nodes[0].verifyEvidenceChain().head))
        try server.psql("SET session_replication_role = replica; DELETE FROM incident_log", database: database)
        #expect(try !configuration.verifyEvidenceChain().isIntact)
    }

    @Test(
        "changes behind the store's back are found: a log entry edited, an audit entry deleted, a rule slipped in, a chain entry edited, a trigger disabled",
        arguments: [
            ("UPDATE incident_log SET note = convert_to('nothing happened', 'UTF8') WHERE action = 'note'", "incident_log", "differs"),
            ("DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)", "audit_log", "deleted"),
            ("INSERT INTO rules (match_kind, match_value, action, reason, created_by, created_at, origin) VALUES ('number', '+447700900999', 'allow', convert_to('x', 'UTF8'), convert_to('x', 'UTF8'), 0, 'manual')",
             "rules", "not-chained"),
            ("UPDATE call_events SET caller_raw = convert_to('someone else', 'UTF8') WHERE call_id = convert_to('chained-call', 'UTF8')", "call_events", "differs"),
            ("UPDATE evidence_entries SET row_digest = sha256('x'::bytea) WHERE seq = 3", "evidence_entries", "broken"),
            ("ALTER TABLE rules DISABLE TRIGGER rules_chain", "pg_trigger", "trigger"),
            ("UPDATE recordings SET sha256 = repeat('cd', 32)", "recordings", "differs"),
        ])
    func tampering(sql: String, table: String, expected: String) throws {
        let (server, database, nodes, _) = try Self.evidence()
        defer { nodes.forEach { $0.close() } }
        #expect(try nodes[0].verifyEvidenceChain().isIntact)
        try server.psql("SET session_replication_role = replica; " + sql, database: database)
        let findings = try nodes[0].verifyEvidenceChain().findings
        #expect(!findings.isEmpty)
        let found = findings.contains { finding in
            guard finding.table == table else { return false }
            switch (finding.problem, expected) {
            case (.contentDiffers, "differs"), (.deleted, "deleted"), (.notChained, "not-chained"), (.entryBroken, "broken"),
                (.triggerMissing("rules_chain"), "trigger"):
                return true
            default:
                return false
            }
        }
        #expect(found, "\(findings)")
    }

    @Test("the plain call (never linked) is not chained; an update through the store's own SQL with triggers on is chained and stays intact")
    func plainCallsAndChainedUpdates() throws {
        let (server, database, nodes, incident) = try Self.evidence()
        defer { nodes.forEach { $0.close() } }
        try server.psql("UPDATE call_events SET caller_name = convert_to('renamed', 'UTF8') WHERE call_id = convert_to('plain-call', 'UTF8')", database: database)
        try server.psql("UPDATE incidents SET updated_at = updated_at + 1 WHERE id = \(incident)", database: database)
        let report = try nodes[0].verifyEvidenceChain()
        #expect(report.isIntact, "\(report.findings)")
    }
}
