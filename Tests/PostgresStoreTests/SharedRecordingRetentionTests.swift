import CallModel
import CallwardenPorts
import Incidents
import PostgresStore
import Testing

/// Issue 15: recording links on the shared PostgreSQL go with their calls when retention purges
/// them, as SQLite's purge takes them (real server).
@Suite("Several sites: retention of recording links on the shared PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SharedRecordingRetentionTests {
    @Test("an old ordinary call's link and a purged incident's links go; recent links and an open incident's stay")
    func recordingLinksGoWithTheirCalls() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let store = try SharedIncidentsTests.node("site-a", settings)
        defer { store.close() }
        let old = Fixture.time(0)
        let cutoff = Fixture.time(86_400 * 30)
        let recent = Fixture.time(86_400 * 31)
        var ordinary = IngestBatch()
        ordinary.events = [SharedRetentionTests.event("old-ordinary", at: old), SharedRetentionTests.event("recent", at: recent)]
        try store.commit(ordinary)
        try store.commit(SharedRetentionTests.episode(["held-1"], at: old, target: "200"))
        try store.commit(SharedRetentionTests.episode(["closed-1"], at: old, target: "300"))
        let closing = try #require(try store.incidents(status: nil, limit: 10).first { $0.target == "300" })
        _ = try store.changeStatus(incidentID: closing.id, to: .closed, actor: "ops:al", note: "dealt with", at: Fixture.time(60))
        func link(_ callID: String, at time: Timestamp, name: String? = nil) throws -> RecordingEvidence {
            try store.linkRecording(
                NewRecording(
                    callID: callID, location: "/rec/\(name ?? callID).wav", origin: .file, size: 1, sha256: nil, recordedAt: time,
                    linkedAt: time, actor: "watcher"))
        }
        _ = try link("old-ordinary", at: old)
        let late = try link("old-ordinary", at: recent, name: "old-ordinary-2")
        let kept = try link("recent", at: recent)
        let held = try link("held-1", at: old)
        _ = try link("closed-1", at: old)

        let lease = PostgresJobLease(job: "retention", holder: "site-a/1", ttl: .seconds(600), store: store)
        let grant = try #require(try lease.acquire())
        let purge = SharedPurge(
            callsBefore: cutoff, closedIncidentsBefore: cutoff, alertsBefore: cutoff, sinks: [], pushedEventKeysBefore: cutoff,
            now: recent, limit: 10)
        let purged = try store.purge(purge, lease: lease, grant: grant)
        #expect(purged.recordings == 1)
        #expect(purged.incidents == [closing.id])
        // A link made after the cut-off stays even when its call went (as in SQLite).
        #expect(try store.recordings(limit: 10) == [late, kept, held])
        let audit = try #require(try store.auditLog(limit: 50).first { $0.action == "retention.purge" })
        #expect(audit.detail.contains("recordings 1"))
        #expect(try store.purge(purge, lease: lease, grant: grant).isEmpty, "nothing more is due")
    }
}
