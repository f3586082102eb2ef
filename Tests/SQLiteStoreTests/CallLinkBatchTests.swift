import CallModel
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore
import Testing

/// An ingestion batch inserts its detections' call links together, several rows per statement,
/// after its detections (``PendingCallLinks``): the rows and the evidence chain's entries for them
/// are those that linking one call per statement makes.
@Suite("Call links inserted per batch")
struct CallLinkBatchTests {
    static let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs a query with the `sqlite3` shell; its standard output.
    private func query(_ database: String, _ statement: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.sqlite3))
        process.arguments = [database, statement]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// 300 calls (the first withheld): more than one full statement of links (256) and a rest.
    private static let calls = 300

    private static func events() -> [CallEvent] {
        (0..<calls).map { index in
            let callID = "call,\(index)\n\"x\""
            return index == 0 ? Fixture.fullEvent(callID: callID) : Fixture.minimalEvent(callID: callID, at: Int64(index))
        }
    }

    @Test("one batch linking 303 calls stores the rows and chain entries that 303 one-call links store",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func batchedLinksEqualOneByOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let batchedPath = directory.url.appendingPathComponent("batched.sqlite").path
        let singlePath = directory.url.appendingPathComponent("single.sqlite").path

        // One batch: the events, an episode of all 300 calls (target 1001) and one of the first
        // three to another incident (target 1002: those calls' events are chained once only).
        let batched = try SQLiteStore(path: batchedPath)
        var batch = IngestBatch()
        batch.events = Self.events()
        batch.detections = [
            Fixture.detection(calls: Self.calls, last: 600, action: .alert),
            Fixture.detection(calls: 3, last: 600, action: .alert, target: "1002"),
        ]
        try batched.commit(batch)

        // The same calls linked one per commit: each commit's episode has one call more, so each
        // links exactly one call, with its own statement.
        let single = try SQLiteStore(path: singlePath)
        var events = IngestBatch()
        events.events = Self.events()
        try single.commit(events)
        for (calls, target) in (1...Self.calls).map({ ($0, "1001") }) + (1...3).map({ ($0, "1002") }) {
            var step = IngestBatch()
            step.detections = [Fixture.detection(calls: calls, last: 600, action: .alert, target: target)]
            try single.commit(step)
        }

        for store in [batched, single] {
            let report = try store.verifyEvidenceChain()
            #expect(report.findings == [])
            try store.close()
        }
        let links = "SELECT incident_id, hex(call_id), linked_at FROM incident_calls ORDER BY incident_id, call_id"
        #expect(try query(batchedPath, "SELECT count(*) FROM incident_calls") == String(Self.calls + 3))
        #expect(try query(batchedPath, links) == query(singlePath, links))
        // Every link and every linked call's event chained once, with the same content, in the same order.
        let entries = """
            SELECT kind, row_key, operation, hex(substr(hashes, 33)) FROM evidence_entries
            WHERE kind IN ('incident_calls', 'call_events') ORDER BY seq
            """
        #expect(try query(batchedPath, "SELECT count(*) FROM evidence_entries WHERE kind = 'call_events'") == String(Self.calls))
        #expect(try query(batchedPath, "SELECT count(*) FROM evidence_entries WHERE kind = 'incident_calls'") == String(Self.calls + 3))
        #expect(try query(batchedPath, entries) == query(singlePath, entries))
        // Both incidents carry the withheld first call's mark.
        #expect(try query(batchedPath, "SELECT group_concat(withheld) FROM incidents ORDER BY id") == "1,1")
        #expect(try query(singlePath, "SELECT group_concat(withheld) FROM incidents ORDER BY id") == "1,1")
    }

    @Test("a link that exists is left as it is when a later batch makes it again",
          .enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func existingLinkIgnored() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        var first = IngestBatch()
        first.events = Self.events()
        first.detections = [Fixture.detection(calls: 2, last: 600, action: .alert)]
        try store.commit(first)
        // A second episode of the same incident (another first time) lists the same two calls and a third.
        var second = IngestBatch()
        second.detections = [Fixture.detection(calls: 3, last: 700, action: .alert, first: 1)]
        try store.commit(second)
        #expect(try store.verifyEvidenceChain().findings == [])
        try store.close()
        #expect(try query(directory.databasePath, "SELECT count(DISTINCT incident_id) FROM incident_calls") == "1")
        #expect(try query(directory.databasePath, "SELECT group_concat(linked_at, ',') FROM (SELECT linked_at FROM incident_calls ORDER BY call_id)")
            == "\(Fixture.time(600).microsecondsSinceEpoch),\(Fixture.time(600).microsecondsSinceEpoch),\(Fixture.time(700).microsecondsSinceEpoch)")
        #expect(try query(directory.databasePath, "SELECT count(*) FROM evidence_entries WHERE kind = 'incident_calls'") == "3")
    }
}
