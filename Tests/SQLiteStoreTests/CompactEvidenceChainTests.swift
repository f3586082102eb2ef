import CallModel
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore
import Testing

/// The compact entry format (migration `evidence-5-compact-entries`): entries as blobs in
/// `evidence_entries`, continuing the first format's `evidence_chain` without a break.
@Suite("The evidence chain's compact entries, and a store upgraded to them")
struct CompactEvidenceChainTests {
    static let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs statements with the `sqlite3` shell; its exit status and standard output.
    @discardableResult
    private func shell(_ database: String, _ statements: String...) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.sqlite3))
        process.arguments = [database] + statements
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A call with two events stored before it is linked (the link chains the first directly and
    /// the second through the queue), a second linked call and an ordinary one.
    private func commitIncident(_ store: SQLiteStore) throws {
        var batch = IngestBatch()
        batch.events = [
            Fixture.fullEvent(callID: "call,0\n\"x\""), Fixture.minimalEvent(callID: "call,0\n\"x\"", at: 1),
            Fixture.fullEvent(callID: "call,1\n\"x\"", at: 60), Fixture.minimalEvent(callID: "ordinary-call", at: 90),
        ]
        batch.detections = [Fixture.detection(calls: 2, last: 60, action: .alert)]
        try store.commit(batch)
    }

    @Test("a new store writes compact entries only: linked calls' events in id order, intact, head = last entry's hash",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func freshStoreIsCompact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        try commitIncident(store)
        let report = try store.verifyEvidenceChain()
        #expect(report.findings == [])
        #expect(try shell(directory.databasePath, "SELECT count(*) FROM evidence_chain").output == "0")
        #expect(try shell(directory.databasePath, "SELECT count(*) FROM evidence_entries").output == String(report.entries))
        // The three events of the two linked calls, in id order, the ordinary call's not at all.
        #expect(try shell(
            directory.databasePath,
            "SELECT group_concat(row_key, ',') FROM (SELECT row_key FROM evidence_entries WHERE kind = 'call_events' ORDER BY seq)")
            .output == "1,2,3")
        // 32 bytes of entry hash, 32 of content hash, 8 per column (call_events has 23).
        #expect(try shell(
            directory.databasePath, "SELECT DISTINCT length(hashes) FROM evidence_entries WHERE kind = 'call_events'").output
            == String(64 + 8 * 23))
        let head = try shell(directory.databasePath, "SELECT lower(hex(substr(hashes, 1, 32))) FROM evidence_entries ORDER BY seq DESC LIMIT 1")
        #expect(report.head == head.output)
        #expect(try store.evidenceChainHead().head == head.output)
        // The first format's table is closed; the compact one is append-only.
        #expect(try shell(
            directory.databasePath,
            "INSERT INTO evidence_chain (seq, kind, row_key, operation, content_sha256, column_digests, entry_sha256) "
                + "VALUES (999, 'audit_log', '1', 'insert', '\(String(repeating: "0", count: 64))', '', '\(String(repeating: "0", count: 64))')")
            .status != 0)
        #expect(try shell(directory.databasePath, "DELETE FROM evidence_entries WHERE seq = 1").status != 0)
    }

    @Test("an edited event chained through the queue, and a removed entry, are named",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func queuedEventEditedAndEntryRemoved() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        try commitIncident(store)
        #expect(try shell(
            directory.databasePath, ".dbconfig enable_trigger off", "UPDATE call_events SET callee_raw = '999' WHERE id = 2").status == 0)
        let first = try #require(try store.verifyEvidenceChain().findings.first)
        #expect(first.table == "call_events" && first.row == "2" && first.problem == .contentDiffers(columns: ["callee_raw"]))

        let entries = try store.verifyEvidenceChain().entries
        #expect(try shell(
            directory.databasePath, ".dbconfig enable_trigger off", "DELETE FROM evidence_entries WHERE seq = 2").status == 0)
        let findings = try store.verifyEvidenceChain().findings
        #expect(findings.first == EvidenceChainFinding(table: "evidence_entries", row: "3", entry: 3, problem: .entryBroken))
        #expect(try store.verifyEvidenceChain().entries == entries - 1)
    }

    @Test("a store with first-format entries is upgraded: one chain across both tables, old entries still checked",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func upgradedStoreContinuesTheChain() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Two audit rows and a rule chained in the first format (its triggers, hex text).
        try SQLiteStore.migrate(
            path: directory.databasePath, upTo: "console2-rule-review",
            thenExecute: """
                INSERT INTO audit_log (time, actor, action, subject, detail) VALUES (1, 'cli:bob', 'rule.add', 'rule 1', 'x');
                INSERT INTO audit_log (time, actor, action, subject, detail) VALUES (2, 'cli:bob', 'rule.add', 'rule 2', 'y');
                """)
        let oldHead = try shell(directory.databasePath, "SELECT entry_sha256 FROM evidence_chain WHERE seq = 2").output
        #expect(oldHead.count == 64)
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        let head = try store.evidenceChainHead()
        #expect(head.entries == 2 && head.head == oldHead)
        #expect(try store.verifyEvidenceChain().findings == [])

        try commitIncident(store)
        let report = try store.verifyEvidenceChain()
        #expect(report.findings == [])
        #expect(try shell(directory.databasePath, "SELECT count(*) FROM evidence_chain").output == "2")
        #expect(try shell(directory.databasePath, "SELECT min(seq) FROM evidence_entries").output == "3")
        #expect(report.entries > 3)

        // A row whose latest entry is a first-format one is still compared with it, by column.
        #expect(try shell(
            directory.databasePath, ".dbconfig enable_trigger off", "UPDATE audit_log SET detail = 'forged' WHERE id = 1").status == 0)
        var findings = try store.verifyEvidenceChain().findings
        #expect(findings.first == EvidenceChainFinding(
            table: "audit_log", row: "1", entry: 1, problem: .contentDiffers(columns: ["detail"])))

        // The last first-format entry edited: it no longer follows, and the first compact entry,
        // which covers its hash, breaks too.
        #expect(try shell(
            directory.databasePath, ".dbconfig enable_trigger off",
            "UPDATE evidence_chain SET entry_sha256 = '\(String(repeating: "0", count: 64))' WHERE seq = 2").status == 0)
        findings = try store.verifyEvidenceChain().findings
        #expect(Array(findings.prefix(2)) == [
            EvidenceChainFinding(table: "evidence_chain", row: "2", entry: 2, problem: .entryBroken),
            EvidenceChainFinding(table: "evidence_entries", row: "3", entry: 3, problem: .entryBroken),
        ])
    }

    @Test("after the upgrade the first format's triggers are gone and the compact ones are checked",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func upgradedTriggersAreCompact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try SQLiteStore.migrate(path: directory.databasePath, upTo: "console2-rule-review")
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        #expect(try shell(
            directory.databasePath, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%callwarden_chain_row(%'")
            .output == "0")
        #expect(try shell(directory.databasePath, "DROP TRIGGER evidence_incident_calls_link_events").status == 0)
        #expect(try store.verifyEvidenceChain().findings.contains { $0.problem == .triggerMissing("evidence_incident_calls_link_events") })
    }
}
