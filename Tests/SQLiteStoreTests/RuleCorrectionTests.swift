import CallModel
import Foundation
import CallwardenPorts
import Incidents
import SQLiteStore
import Testing

/// Correcting a wrong block, on SQLite on disk: removed rules kept as history, ids never reused,
/// a false positive allowed, its escalation reset and its incident closed, all in one transaction.
@Suite("Correcting rules in the store")
struct RuleCorrectionTests {
    /// A detection's block on `Fixture.caller`, committed the way the ingest loop does (the
    /// detection opens its incident; the automatic rule comes with it).
    static func committedDetectionBlock(in store: SQLiteStore) throws -> Rule {
        let detection = Fixture.detection(calls: 10, action: .block)
        var batch = IngestBatch()
        batch.events = (0..<10).map { Fixture.fullEvent(callID: "c\($0)", at: Int64($0) * 60) }
        batch.detections = [detection]
        batch.rules = [
            Rule(
                match: .number(Fixture.caller), action: .block, reason: "repeat-caller: 10 calls", createdBy: "detection",
                createdAt: Fixture.time(600), expiresAt: detection.actionExpires, origin: .detection)
        ]
        try store.commit(batch)
        return try #require(try store.rules(activeAt: Fixture.time(700), includeExpired: false).first)
    }

    /// Runs `sql` with the sqlite3 shell (Debian `sqlite3`) on `path`: its exit status and output.
    /// Suspends while it runs (never blocks a thread of the cooperative pool the tests share).
    static func sqlite3(_ path: String, _ sql: String) async throws -> (status: Int32, output: String) {
        let outputPath = path + ".sqlite3-output"
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        try output.close()
        return (process.terminationStatus, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    @Test("a removed rule's id is never handed out again, and the rule stays in the append-only history")
    func idsNeverReused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        let first = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        let second = try store.addRule(
            Rule(match: .prefix("4411349"), action: .block, reason: "range", createdBy: "cli:alice", createdAt: Fixture.time(110)),
            actor: "cli:alice")
        #expect(try store.removeRule(id: try #require(second.id), actor: "cli:bob", reason: "wrong range", at: Fixture.time(200)))
        let third = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        #expect(try #require(third.id) > (second.id ?? .max))
        #expect(third.id != second.id)
        #expect(first.id != third.id)

        let history = try store.removedRules(limit: 10)
        #expect(history.count == 1)
        #expect(history.first?.rule.id == second.id)
        #expect(history.first?.rule.match == .prefix("4411349"))
        #expect(history.first?.removedBy == "cli:bob")
        #expect(history.first?.removedAt == Fixture.time(200))
        #expect(history.first?.reason == "wrong range")
        #expect(history.first?.falsePositive == false)
        #expect(try store.auditLog(limit: 10).contains { $0.action == "rule.remove" && $0.subject == "rule \(second.id ?? 0)" })

        // The history is append-only, even for another writer of the file (the sqlite3 shell).
        // The chain's trigger needs the store's own SQL functions (callwarden_chain_*), so the shell cannot write at all;
        // with that trigger dropped (in a transaction the failure leaves uncommitted), the guard refuses.
        let rewrite = try await Self.sqlite3(directory.databasePath, "UPDATE rule_history SET reason = 'edited';")
        #expect(rewrite.status != 0 && rewrite.output.contains("callwarden_chain_"))
        let unchained = try await Self.sqlite3(
            directory.databasePath, "BEGIN; DROP TRIGGER evidence_rule_history_update; UPDATE rule_history SET reason = 'edited';")
        #expect(unchained.status != 0 && unchained.output.contains("append-only"))
        let erase = try await Self.sqlite3(directory.databasePath, "DELETE FROM rule_history;")
        #expect(erase.status != 0)
        #expect(try store.removedRules(limit: 10).first?.reason == "wrong range")

        // Reopened, the sequence continues (and a removed id stays used).
        try store.close()
        let reopened = try SQLiteStore(path: directory.databasePath)
        defer { try? reopened.close() }
        let fourth = try reopened.addRule(Fixture.blockRule(), actor: "cli:alice")
        #expect(try #require(fourth.id) > (third.id ?? .max))
    }

    @Test("a store from before rule history never hands out an id it used: the highest in rules or named by the audit log")
    func idSequenceSeededFromOldStore() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Rule 7 was removed before this migration (SQLite would hand 7 out again); only the audit log names it.
        try SQLiteStore.migrate(
            path: directory.databasePath, upTo: "v5-pushed-event-key-stored-at",
            thenExecute: """
                INSERT INTO rules (id, match_kind, match_value, action, reason, created_by, created_at, origin)
                    VALUES (6, 'number', '+447700900123', 'block', 'old', 'cli:alice', 0, 'manual');
                INSERT INTO audit_log (time, actor, action, subject, detail)
                    VALUES (0, 'cli:alice', 'rule.add', 'rule 7', 'block +447700900456: old'),
                           (1, 'cli:alice', 'rule.remove', 'rule 7', 'block +447700900456: old: gone');
                """)
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        let next = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        #expect(next.id == 8)
    }

    @Test("a false positive by number: block removed, number allowed, escalation reset, incident closed as false positive")
    func falsePositiveByNumber() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        let block = try Self.committedDetectionBlock(in: store)
        let incidentsBefore = try store.incidents(status: nil, limit: 10)
        #expect(incidentsBefore.count == 1)
        let revisionBefore = try store.rulesRevision()

        let outcome = try store.removeRules(
            RuleRemoval(
                selector: .number(Fixture.caller), actor: "cli:carol", reason: "home-care nurse", falsePositive: true,
                time: Fixture.time(3_600)))
        #expect(outcome.removed.map(\.id) == [block.id])
        #expect(outcome.escalationReset)
        #expect(outcome.closedIncidentIDs == incidentsBefore.map(\.id))
        let allow = try #require(outcome.allowRule)
        #expect(allow.action == .allow && allow.match == .number(Fixture.caller) && allow.scope == nil)
        #expect(allow.createdBy == "cli:carol")
        #expect(try #require(allow.id) > (block.id ?? .max))

        let inForce = try store.rules(activeAt: Fixture.time(3_700), includeExpired: true)
        #expect(inForce.map(\.action) == [.allow])
        #expect(try store.rulesRevision() > revisionBefore)
        let resets = try store.escalationResets(since: Fixture.time(0))
        #expect(resets == [EscalationReset(identity: Fixture.caller, time: Fixture.time(3_600), actor: "cli:carol", reason: "home-care nurse")])
        let incident = try #require(try store.incidents(status: nil, limit: 10).first)
        #expect(incident.status == .closed)
        #expect(incident.transitions.last?.note == "false positive: home-care nurse")
        #expect(incident.transitions.last?.actor == "cli:carol")

        let details = try store.ruleDetails(.id(try #require(block.id)))
        let detail = try #require(details.first)
        #expect(detail.removal?.falsePositive == true)
        #expect(detail.detections.count == 1)
        #expect(detail.detections.first?.calls == 10)
        #expect(detail.incidents.map(\.outcome) == ["false-positive"])
        let audit = try store.auditLog(limit: 20).map(\.action)
        #expect(audit.contains("rule.remove.false-positive"))
        #expect(audit.contains("escalation.reset"))

        // A second false positive on the same number finds nothing to remove.
        #expect(throws: RuleCorrectionError.notFound(.number(Fixture.caller))) {
            try store.removeRules(
                RuleRemoval(selector: .number(Fixture.caller), actor: "cli:carol", reason: "again", falsePositive: true,
                            time: Fixture.time(3_700)))
        }
    }

    @Test("a false positive needs a number: a range rule is refused and nothing changes")
    func falsePositiveNeedsNumber() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        let range = try store.addRule(
            Rule(match: .prefix("4411349"), action: .block, reason: "range", createdBy: "cli:alice", createdAt: Fixture.time(110)),
            actor: "cli:alice")
        let id = try #require(range.id)
        #expect(throws: RuleCorrectionError.notANumber(id)) {
            try store.removeRules(RuleRemoval(selector: .id(id), actor: "cli:bob", reason: "x", falsePositive: true, time: Fixture.time(200)))
        }
        #expect(try store.rules(activeAt: Fixture.time(300), includeExpired: false).map(\.id) == [id])
        #expect(try store.removedRules(limit: 10).isEmpty)
        #expect(throws: RuleCorrectionError.missing("reason")) {
            try store.removeRules(RuleRemoval(selector: .id(id), actor: "cli:bob", reason: " ", falsePositive: false, time: Fixture.time(200)))
        }
    }

    @Test("a rule's hits are the calls it decided: stored questions whose answer named it, each call once")
    func hits() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        let rule = try store.addRule(Fixture.blockRule(), actor: "cli:alice")  // created at time(100)
        let id = try #require(rule.id)
        var batch = IngestBatch()
        // Two calls decided by the rule (the second asked twice), one allowed by no rule.
        batch.events = [(150, "q1", id), (250, "q2", id), (251, "q2", id), (300, "q3", nil)].map { seconds, callID, ruleID in
            CallEvent(
                time: Fixture.time(seconds), callID: callID, source: .decisionRequest, phase: .started,
                caller: CallerIdentity(raw: "07700900123", number: Fixture.caller), callee: CalledParty(raw: "1001", key: "1001"),
                decision: ruleID.map { CallDecision(action: .block, ruleID: $0, reason: "threats") }
                    ?? CallDecision(action: .allow, ruleID: nil, reason: ""))
        }
        try store.commit(batch)
        let detail = try #require(try store.ruleDetails(.id(id)).first)
        #expect(detail.hits == 2)
        #expect(detail.lastHit == Fixture.time(251))
        #expect(detail.removal == nil)
    }
}
