import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Incidents
import Logging
import PostgresStore
import SystemClock
import Testing

/// Issue 15, "retention works on both": `store.retention` on the shared PostgreSQL, run by the
/// node holding the `retention` lease, with the SQLite store's meaning. Real server.
@Suite("Several sites: retention on the shared PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SharedRetentionTests {
    static let caller = E164Number(e164: "+447700900321")!

    static func event(_ id: String, at time: Timestamp) -> CallEvent {
        CallEvent(
            time: time, callID: id, source: .asteriskCSV, phase: .ended, disposition: .answered,
            caller: CallerIdentity(raw: caller.description, number: caller), callee: CalledParty(raw: "200", key: "200"))
    }

    /// An episode of `ids` ending at `time`, stored with its calls (opens or joins the incident).
    static func episode(_ ids: [String], at time: Timestamp, target: String) -> IngestBatch {
        var batch = IngestBatch()
        batch.events = ids.map { event($0, at: time) }
        batch.detections = [
            Detection(
                kind: .repeatCaller, caller: caller, callers: [caller], target: target, calls: ids.count, first: time,
                last: time, action: .alert, actionExpires: nil, offence: 1, callIDs: ids)
        ]
        return batch
    }

    static func callIDs(_ store: PostgresStore) throws -> Set<String> {
        Set(try store.events(countedSince: Timestamp(secondsSinceEpoch: 0), limit: 1_000).map(\.callID))
    }

    @Test("old ordinary calls and an old closed incident go (audited); calls of an open incident and recent calls stay; a lost lease deletes nothing")
    func purgesWhatIsDue() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let store = try SharedIncidentsTests.node("site-a", settings)
        defer { store.close() }
        let now = WallClock.system.now()
        var ordinary = IngestBatch()
        ordinary.events = [Self.event("old-ordinary", at: now - .days(100)), Self.event("recent", at: now - .days(1))]
        try store.commit(ordinary)
        try store.commit(Self.episode(["held-1", "held-2"], at: now - .days(100), target: "200"))
        try store.commit(Self.episode(["closed-1", "closed-2"], at: now - .days(800), target: "300"))
        let closing = try #require(try store.incidents(status: nil, limit: 10).first { $0.target == "300" })
        _ = try store.changeStatus(incidentID: closing.id, to: .closed, actor: "ops:al", note: "dealt with", at: now - .days(799))
        let held = try #require(try store.incidents(status: .open, limit: 10).first)

        let retention = SharedRetention(
            store: store, retention: StoreRetentionSettings(), alertSinks: { ["webhook:security"] }, now: { WallClock.system.now() },
            logger: Logger(label: "test.retention"), chunk: 1)
        // A long ttl: a loaded test run must not let the grant lapse between the rounds.
        let lease = PostgresJobLease(job: SharedRetention.job, holder: "site-a/1", ttl: .seconds(600), store: store)
        let stale = try #require(try lease.acquire())
        try lease.release(stale)
        let grant = try #require(try lease.acquire())

        await #expect { try await retention.round(lease: lease, grant: stale) } throws: {
            ($0 as? PostgresStoreError)?.code == .fenced
        }
        #expect(try Self.callIDs(store).count == 6, "a holder that lost the lease deletes nothing")

        let purged = try await retention.round(lease: lease, grant: grant)
        #expect(purged.incidents == [closing.id])
        #expect(try Self.callIDs(store) == ["recent", "held-1", "held-2"])
        #expect(try store.incidents(status: nil, limit: 10).map(\.id) == [held.id], "an open incident is under legal hold")
        #expect(try store.alerts(incidentID: closing.id).isEmpty)
        #expect(try store.detections(limit: 10).count == 1)
        let audit = try #require(try store.auditLog(limit: 50).first { $0.action == "retention.purge" })
        #expect(audit.subject == "incident \(closing.id)")
        #expect(audit.detail.contains("call_events 2"))
        #expect(!audit.detail.contains(Self.caller.description), "counts only, no personal data")

        #expect(try await retention.round(lease: lease, grant: grant).isEmpty, "nothing more is due")
    }
}
