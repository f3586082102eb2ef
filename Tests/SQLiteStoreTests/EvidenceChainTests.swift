import CallModel
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore
import Testing

/// Edits made to the database file behind the store's back, with the real `sqlite3` shell (the
/// tool someone with the file would use), must show in `verifyEvidenceChain()`, naming the row.
@Suite("The evidence chain shows every edit of what an incident rests on")
struct EvidenceChainTests {
    static let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A store on disk with an incident: two linked calls and an unlinked one, a detection, a note,
    /// an MCID flag, a recording and a manual rule.
    private func storeWithEvidence() throws -> (TemporaryDirectory, SQLiteStore, Int64) {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.databasePath)
        var batch = IngestBatch()
        batch.events = [
            Fixture.fullEvent(callID: "call,0\n\"x\""), Fixture.fullEvent(callID: "call,1\n\"x\"", at: 60),
            Fixture.minimalEvent(callID: "ordinary-call", at: 90),
        ]
        batch.detections = [Fixture.detection(calls: 2, last: 60, action: .alert)]
        try store.commit(batch)
        // A later event of a linked call is chained when it is stored.
        batch = IngestBatch()
        batch.events = [Fixture.minimalEvent(callID: "call,1\n\"x\"", at: 61)]
        try store.commit(batch)
        let id = try #require(try store.incidents(limit: 1).first?.id)
        _ = try store.addNote(incidentID: id, actor: "alice", note: "caller threatened reception", at: Fixture.time(200))
        _ = try store.linkRecording(NewRecording(
            callID: "call,0\n\"x\"", location: "/var/spool/asterisk/monitor/call-0.wav", origin: .file, size: 1_024,
            sha256: String(repeating: "ab", count: 32), recordedAt: Fixture.time(0), linkedAt: Fixture.time(300),
            actor: "watcher"))
        _ = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        return (directory, store, id)
    }

    private func shell(_ database: String, _ statements: String...) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.sqlite3))
        process.arguments = [database] + statements
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test("an untouched store verifies, linked calls are chained and ordinary calls are not")
    func intact() throws {
        let (directory, store, _) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        let report = try store.verifyEvidenceChain()
        #expect(report.findings == [])
        #expect(report.head?.count == 64)
        // 3 linked call events, 2 links, 1 detection, 2 log entries (opened, note), 1 recording, 1 rule
        // and the audit entries of those changes, at least.
        #expect(report.entries >= 10)
        let head = try store.evidenceChainHead()
        #expect(head.entries == report.entries && head.head == report.head)
    }

    @Test(
        "UPDATE recordings SET sha256 from the sqlite3 shell fails with the triggers, and names the row without them",
        .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func recordingHashEdited() throws {
        let (directory, store, _) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        let forged = String(repeating: "cd", count: 32)
        #expect(try shell(directory.databasePath, "UPDATE recordings SET sha256 = '\(forged)'") != 0)
        #expect(try store.verifyEvidenceChain().findings == [])

        #expect(try shell(directory.databasePath, ".dbconfig enable_trigger off", "UPDATE recordings SET sha256 = '\(forged)'") == 0)
        let first = try #require(try store.verifyEvidenceChain().findings.first)
        #expect(first.table == "recordings" && first.row == "1")
        #expect(first.problem == .contentDiffers(columns: ["sha256"]))
        #expect(first.description.contains("recordings 1: sha256 differs"))
    }

    @Test("an edited incident log row is named with the column that changed",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func incidentLogEdited() throws {
        let (directory, store, _) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        #expect(try shell(
            directory.databasePath, "DROP TRIGGER evidence_incident_log_update",
            "UPDATE incident_log SET note = 'nothing happened' WHERE action = 'note'") == 0)
        let findings = try store.verifyEvidenceChain().findings
        let first = try #require(findings.first)
        #expect(first.table == "incident_log" && first.row == "2" && first.problem == .contentDiffers(columns: ["note"]))
        #expect(findings.contains { $0.problem == .triggerMissing("evidence_incident_log_update") })
    }

    @Test("text appended after a NUL, and a number stored as a blob of its digits, are named (rows hashed whole, types kept)",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func callEventEditedAfterNULAndRetyped() throws {
        let (directory, store, _) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        #expect(try shell(
            directory.databasePath, ".dbconfig enable_trigger off",
            "UPDATE call_events SET caller_name = coalesce(caller_name, '') || char(0) || 'forged' WHERE id = 1",
            // The column's INTEGER affinity turns text digits back into a number; a blob stays a blob.
            "UPDATE call_events SET call_start = CAST(CAST(call_start AS TEXT) AS BLOB) WHERE id = 2") == 0)
        let findings = try store.verifyEvidenceChain().findings
        #expect(findings.count == 2)
        #expect(findings.first?.table == "call_events" && findings.first?.row == "1")
        #expect(findings.first?.problem == .contentDiffers(columns: ["caller_name"]))
        #expect(findings.last?.row == "2" && findings.last?.problem == .contentDiffers(columns: ["call_start"]))
    }

    @Test("a deleted call event of a linked call is named; a deleted ordinary call is none of its business",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func callEventDeleted() throws {
        let (directory, store, _) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        #expect(try shell(directory.databasePath, "DELETE FROM call_events WHERE call_id = 'ordinary-call'") != 0)
        #expect(try shell(
            directory.databasePath, ".dbconfig enable_trigger off", "DELETE FROM call_events WHERE call_id = 'ordinary-call'") == 0)
        #expect(try store.verifyEvidenceChain().findings == [])
        #expect(try shell(directory.databasePath, ".dbconfig enable_trigger off", "DELETE FROM call_events WHERE id = 2") == 0)
        let first = try #require(try store.verifyEvidenceChain().findings.first)
        #expect(first.table == "call_events" && first.row == "2" && first.problem == .deleted)
        #expect(first.description.hasPrefix("call_events 2: deleted outside the store"))
    }

    @Test("a row added behind the chain, and an edited chain entry, are found",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func insertedRowAndEditedEntry() throws {
        let (directory, store, _) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        #expect(try shell(directory.databasePath, "UPDATE evidence_entries SET row_key = '9' WHERE seq = 1") != 0)
        #expect(try shell(
            directory.databasePath, ".dbconfig enable_trigger off",
            "INSERT INTO audit_log (time, actor, action, subject, detail) VALUES (0, 'x', 'rule.remove', 'rule 1', '')") == 0)
        var findings = try store.verifyEvidenceChain().findings
        #expect(findings.first?.table == "audit_log" && findings.first?.problem == .notChained)

        #expect(try shell(
            directory.databasePath, ".dbconfig enable_trigger off",
            "UPDATE evidence_entries SET operation = CASE operation WHEN 'insert' THEN 'update' ELSE 'insert' END WHERE seq = 3") == 0)
        findings = try store.verifyEvidenceChain().findings
        #expect(findings.first == EvidenceChainFinding(table: "evidence_entries", row: "3", entry: 3, problem: .entryBroken))
    }

    @Test("what the store itself removes (a rule) leaves the chain intact, with a delete entry")
    func storeDeletionsVerify() throws {
        let (directory, store, _) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        let before = try store.verifyEvidenceChain().entries
        let rule = try #require(try store.rules(activeAt: Fixture.time(0), includeExpired: true).first)
        #expect(try store.removeRule(id: try #require(rule.id), actor: "cli:alice", reason: "mistake", at: Fixture.time(400)))
        let report = try store.verifyEvidenceChain()
        #expect(report.findings == [])
        #expect(report.entries == before + 3)  // the rule's delete entry, its history row's and the audit entry
    }

    @Test("the history of a rule is chained: an edited or deleted history row is named by its row",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func ruleHistoryEdited() throws {
        let (directory, store, _) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        let rule = try #require(try store.rules(activeAt: Fixture.time(0), includeExpired: true).first)
        _ = try store.removeRules(
            RuleRemoval(selector: .id(try #require(rule.id)), actor: "cli:alice", reason: "wrong number", falsePositive: true,
                        time: Fixture.time(400)))
        #expect(try store.removedRules(limit: 10).count == 1)
        #expect(try store.verifyEvidenceChain().findings == [])

        #expect(try shell(
            directory.databasePath, ".dbconfig enable_trigger off",
            "UPDATE rule_history SET removal_reason = 'routine expiry', false_positive = 0") == 0)
        var findings = try store.verifyEvidenceChain().findings
        #expect(findings.first == EvidenceChainFinding(
            table: "rule_history", row: "1", entry: findings.first?.entry,
            problem: .contentDiffers(columns: ["removal_reason", "false_positive"])))

        #expect(try shell(directory.databasePath, ".dbconfig enable_trigger off", "DELETE FROM rule_history") == 0)
        findings = try store.verifyEvidenceChain().findings
        #expect(findings.first?.table == "rule_history" && findings.first?.row == "1" && findings.first?.problem == .deleted)
    }

    @Test("a false positive's escalation reset is chained: an edited reset is named by its row",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func escalationResetEdited() throws {
        let (directory, store, _) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        let outcome = try store.removeRules(
            RuleRemoval(selector: .number(Fixture.caller), actor: "cli:alice", reason: "a nurse", falsePositive: true,
                        time: Fixture.time(400)))
        #expect(outcome.escalationReset)
        #expect(try store.verifyEvidenceChain().findings == [])
        #expect(try shell(directory.databasePath, ".dbconfig enable_trigger off", "UPDATE escalation_resets SET reason = 'routine'") == 0)
        let first = try #require(try store.verifyEvidenceChain().findings.first)
        #expect(first.table == "escalation_resets" && first.row == "1" && first.problem == .contentDiffers(columns: ["reason"]))
    }

    @Test("erasing a number removes its rule history through the chain, keeps others' history, and the history is append-only again",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func ruleHistoryErased() throws {
        let (directory, store, id) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        let other = try store.addRule(
            Rule(match: .number(Fixture.otherCaller), action: .block, reason: "x", createdBy: "cli:bob", createdAt: Fixture.time(100)),
            actor: "cli:bob")
        for rule in try store.rules(activeAt: Fixture.time(0), includeExpired: true) {
            _ = try store.removeRules(
                RuleRemoval(selector: .id(try #require(rule.id)), actor: "cli:alice", reason: "done", falsePositive: false,
                            time: Fixture.time(400)))
        }
        _ = try store.changeStatus(incidentID: id, to: .closed, actor: "alice", note: "resolved", at: Fixture.time(1_000))
        let removed = try store.erasePersonalData(
            number: Fixture.caller, pseudonym: "hmac:abc", reason: "SAR-1", actor: "dpo", at: Fixture.time(2_000))
        #expect(removed["rule_history"] == 1)
        #expect(try store.removedRules(limit: 10).map(\.rule.id) == [other.id])
        #expect(try store.verifyEvidenceChain().findings == [])
        // The guard is there again (DROP TRIGGER fails on a trigger that does not exist).
        #expect(try shell(directory.databasePath, "DROP TRIGGER rule_history_no_delete") == 0)
    }

    @Test("the incident row is chained: a status change verifies, a status set back behind the store's back is named by its row",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func incidentEdited() throws {
        let (directory, store, id) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        let before = try store.verifyEvidenceChain().entries
        _ = try store.changeStatus(incidentID: id, to: .reported, actor: "alice", note: "crime ref 12/3456", at: Fixture.time(500))
        let report = try store.verifyEvidenceChain()
        #expect(report.findings == [])
        // One entry for the incident row (status and time in one statement), its log entry and its
        // audit entry; the alert outbox is not chained.
        #expect(report.entries == before + 3)

        #expect(try shell(directory.databasePath, "UPDATE incidents SET status = 'open'") != 0)  // no chain functions
        #expect(try shell(
            directory.databasePath, "DROP TRIGGER evidence_incidents_update", "UPDATE incidents SET status = 'open', target = '1002'") == 0)
        let findings = try store.verifyEvidenceChain().findings
        #expect(findings.first == EvidenceChainFinding(
            table: "incidents", row: String(id), entry: findings.first?.entry, problem: .contentDiffers(columns: ["target", "status"])))
        #expect(findings.contains { $0.problem == .triggerMissing("evidence_incidents_update") })

        #expect(try shell(directory.databasePath, ".dbconfig enable_trigger off", "PRAGMA foreign_keys = OFF", "DELETE FROM incidents") == 0)
        let deleted = try #require(try store.verifyEvidenceChain().findings.first { $0.table == "incidents" })
        #expect(deleted.row == String(id) && deleted.problem == .deleted)
    }

    @Test("an MCID withdrawal is chained: reworded or removed behind the store's back, it is named by its flag",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func withdrawalEdited() throws {
        let (directory, store, _) = try storeWithEvidence()
        defer { try? store.close(); directory.remove() }
        let outcome = try store.flagMaliciousCall(
            MCIDRequest(call: .callID("call,0\n\"x\""), kind: .threat, actor: "pbx", note: "bomb threat", time: Fixture.time(600)),
            crisisLine: nil)
        _ = try store.withdrawFlag(MCIDWithdrawal(flagID: outcome.flag.id, actor: "bob", reason: "wrong call", time: Fixture.time(700)))
        #expect(try store.verifyEvidenceChain().findings == [])

        #expect(try shell(directory.databasePath, ".dbconfig enable_trigger off", "UPDATE mcid_withdrawals SET reason = 'a test'") == 0)
        let first = try #require(try store.verifyEvidenceChain().findings.first)
        #expect(first.table == "mcid_withdrawals" && first.row == String(outcome.flag.id))
        #expect(first.problem == .contentDiffers(columns: ["reason"]))

        #expect(try shell(directory.databasePath, ".dbconfig enable_trigger off", "DELETE FROM mcid_withdrawals") == 0)
        let gone = try #require(try store.verifyEvidenceChain().findings.first)
        #expect(gone.table == "mcid_withdrawals" && gone.row == String(outcome.flag.id) && gone.problem == .deleted)
    }

    @Test("a store with incidents and withdrawals from before they were chained has them chained when migrated")
    func migrationChainsIncidentsAndWithdrawals() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try SQLiteStore.migrate(
            path: directory.databasePath, upTo: "console2-rule-review",
            thenExecute: """
                INSERT INTO incidents (id, kind, identity, target, severity, status, opened_at, updated_at, detection_count)
                VALUES (1, 'harassment', '+447700900123', '1001', 'low', 'open', 1, 2, 1),
                       (2, 'threat', 'unidentified', '*', 'high', 'closed', 3, 4, 0);
                INSERT INTO mcid_flags (id, incident_id, kind, call_id, flagged_at, flagged_by, note, sip_headers)
                VALUES (5, 2, 'threat', 'call-9', 3, 'pbx', '', '[]');
                INSERT INTO mcid_withdrawals (flag_id, withdrawn_at, withdrawn_by, reason) VALUES (5, 4, 'bob', 'wrong call');
                """)
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        let report = try store.verifyEvidenceChain()
        #expect(report.findings == [])
        #expect(report.entries == 4)  // the flag when it was stored; the two incidents and the withdrawal when migrated
        _ = try store.changeStatus(incidentID: 1, to: .acknowledged, actor: "alice", note: "", at: Fixture.time(0))
        #expect(try store.verifyEvidenceChain().findings == [])
    }

    @Test("a store whose rules were corrected before the history was chained has its history chained when migrated")
    func migrationChainsRuleHistory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try SQLiteStore.migrate(
            path: directory.databasePath, upTo: "house-rule-history",
            thenExecute: """
                INSERT INTO rule_history (
                    rule_id, match_kind, match_value, action, reason, created_by, created_at, origin,
                    removed_by, removed_at, removal_reason, false_positive)
                VALUES (7, 'number', '+447700900123', 'block', 'calls', 'cli:bob', 1, 'manual', 'cli:carol', 2, 'wrong', 1);
                """)
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        let report = try store.verifyEvidenceChain()
        #expect(report.findings == [])
        #expect(report.entries == 1)
    }

    @Test("a store from before the chain is chained whole when migrated")
    func migrationChainsExistingRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try SQLiteStore.migrate(
            path: directory.databasePath, upTo: "v5-pushed-event-key-stored-at",
            thenExecute: """
                INSERT INTO audit_log (time, actor, action, subject, detail) VALUES (1, 'cli:bob', 'rule.add', 'rule 1', 'x');
                INSERT INTO audit_log (time, actor, action, subject, detail) VALUES (2, 'cli:bob', 'rule.add', 'rule 2', 'y');
                """)
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        let report = try store.verifyEvidenceChain()
        #expect(report.findings == [])
        #expect(report.entries == 2)
    }
}
