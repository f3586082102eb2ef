import CallModel
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore
import Testing

@Suite("Retention: housekeeping purges delivered alerts and old pushed-event keys, never evidence")
struct RetentionTests {
    static let sinks: Set<String> = ["journal", "webhook:security"]

    /// The processing clock the store stamps rows with (microseconds, as `SQLiteStore` rounds it).
    static func clock() -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }

    /// A cutoff after everything stored so far and at or before everything stored from now on.
    static func cutoffNow() -> Timestamp {
        let cutoff = clock() + TimeSpan(microseconds: 1)
        while clock() < cutoff {}
        return cutoff
    }

    static func deliver(_ alerts: [AlertNotice], to sinks: Set<String>, in store: SQLiteStore) throws {
        for alert in alerts {
            for sink in sinks { try store.markDelivered(alertID: alert.id, sink: sink, at: clock()) }
        }
    }

    static func incident(target: String, in store: SQLiteStore) throws -> Incident {
        try #require(try store.incidents(limit: 100).first { $0.target == target })
    }

    @Test("old alerts every sink confirmed go; pending ones, the latest of an open incident and recent ones stay")
    func alertsArePurgedOnlyWhenNobodyNeedsThem() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent()]
        batch.detections = ["1001", "1002", "1003"].map { Fixture.detection(target: $0) }
        try store.commit(batch)
        // 1001: closed, both alerts confirmed by every sink.
        let closed = try Self.incident(target: "1001", in: store)
        _ = try store.changeStatus(incidentID: closed.id, to: .closed, actor: "alice", note: "police: caller cautioned", at: Fixture.time(900))
        try Self.deliver(try store.alerts(incidentID: closed.id), to: Self.sinks, in: store)
        // 1002: still open (acknowledged); both alerts confirmed. The latest is what Alertmanager re-sends.
        let open = try Self.incident(target: "1002", in: store)
        _ = try store.changeStatus(incidentID: open.id, to: .acknowledged, actor: "alice", note: "", at: Fixture.time(900))
        let openAlerts = try store.alerts(incidentID: open.id)
        try Self.deliver(openAlerts, to: Self.sinks, in: store)
        // 1003: closed; its first alert reached the journal only (the webhook is still pending).
        let pending = try Self.incident(target: "1003", in: store)
        _ = try store.changeStatus(incidentID: pending.id, to: .closed, actor: "bob", note: "duplicate of 1002", at: Fixture.time(900))
        let pendingAlerts = try store.alerts(incidentID: pending.id)
        try Self.deliver([pendingAlerts[0]], to: ["journal"], in: store)
        try Self.deliver([pendingAlerts[1]], to: Self.sinks, in: store)
        let cutoff = Self.cutoffNow()
        // 1004: an MCID flag after the cutoff, confirmed by every sink: recent, so it stays.
        let flag = try store.flagMaliciousCall(
            MCIDRequest(call: .lastCall(toExtension: "1004", within: .minutes(5)), kind: .threat, actor: "ops:carol", time: Fixture.time(950)),
            crisisLine: nil)
        try Self.deliver(try store.alerts(incidentID: flag.incident.id), to: Self.sinks, in: store)
        let statisticsBefore = try store.statistics()
        let timelinesBefore = try [closed, open, pending].map { try store.timeline(incidentID: $0.id) }

        // One chunk at a time: the limit bounds each transaction.
        #expect(try store.purgeAlerts(createdBefore: cutoff, sinks: Self.sinks, now: cutoff, limit: 1) == 1)
        #expect(try store.purgeAlerts(createdBefore: cutoff, sinks: Self.sinks, now: cutoff, limit: 100) == 3)
        #expect(try store.alerts(incidentID: closed.id).isEmpty)
        #expect(try store.alerts(incidentID: open.id).map(\.id) == [openAlerts[1].id])
        #expect(try store.alerts(incidentID: pending.id).map(\.id) == [pendingAlerts[0].id])
        #expect(try store.alerts(incidentID: flag.incident.id).map(\.key) == [flag.alertKey])
        #expect(try store.activeAlerts().map(\.id).sorted() == [openAlerts[1].id, try store.alerts(incidentID: flag.incident.id)[0].id].sorted())
        #expect(try store.pendingAlerts(forSink: "webhook:security", dueAt: cutoff, limit: 10).map(\.notice.id) == [pendingAlerts[0].id])
        #expect(try store.purgeAlerts(createdBefore: cutoff, sinks: Self.sinks, now: cutoff, limit: 100) == 0)

        // A week later the webhook's undelivered alert is past the outbox horizon, where no sink
        // offers it any more: it goes too. The open incident's latest alert still stays.
        let weekLater = cutoff + .days(8)
        #expect(try store.pendingAlerts(forSink: "webhook:security", dueAt: weekLater, limit: 10).isEmpty)
        #expect(try store.purgeAlerts(createdBefore: cutoff, sinks: Self.sinks, now: weekLater, limit: 100) == 1)
        #expect(try store.alerts(incidentID: pending.id).isEmpty)
        #expect(try store.alerts(incidentID: open.id).map(\.id) == [openAlerts[1].id])

        // Evidence is untouched: calls, detections, incidents, MCID flags, the incident log.
        #expect(try store.statistics() == statisticsBefore)
        #expect(try store.incidents(limit: 100).count == 4)
        let timelinesAfter = try [closed, open, pending].map { try store.timeline(incidentID: $0.id) }
        #expect(timelinesAfter.map { $0?.log.count } == timelinesBefore.map { $0?.log.count })
        #expect(timelinesAfter.map { $0?.detections.count } == timelinesBefore.map { $0?.detections.count })
        #expect(try store.timeline(incidentID: flag.incident.id)?.flags.count == 1)
    }

    @Test("with a sink the outbox does not know yet, only alerts past the horizon can go")
    func aNewSinkKeepsRecentAlerts() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.detections = [Fixture.detection(target: "1001")]
        try store.commit(batch)
        let incident = try Self.incident(target: "1001", in: store)
        _ = try store.changeStatus(incidentID: incident.id, to: .closed, actor: "alice", note: "resolved", at: Fixture.time(900))
        try Self.deliver(try store.alerts(incidentID: incident.id), to: ["journal"], in: store)
        let cutoff = Self.cutoffNow()
        #expect(try store.purgeAlerts(createdBefore: cutoff, sinks: Self.sinks, now: cutoff, limit: 100) == 0)
        #expect(try store.purgeAlerts(createdBefore: cutoff, sinks: ["journal"], now: cutoff, limit: 100) == 2)
    }

    @Test("pushed-event keys stored before the cutoff go, later ones stay; the events themselves stay")
    func pushedEventKeysArePurgedByStoreTime() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        var old = IngestBatch()
        old.events = [Fixture.minimalEvent(callID: "old-1@host"), Fixture.minimalEvent(callID: "old-2@host")]
        try store.commitPushed(old)
        let cutoff = Self.cutoffNow()
        var recent = IngestBatch()
        recent.events = [Fixture.minimalEvent(callID: "recent@host")]
        try store.commitPushed(recent)

        // A walk two keys at a time: the keys sort old-1, old-2, recent.
        let first = try store.purgePushedEventKeys(storedBefore: cutoff, after: nil, limit: 2)
        #expect(first.purged == 2)
        #expect(try store.pushedEventKeyCount() == 1)
        let second = try store.purgePushedEventKeys(storedBefore: cutoff, after: try #require(first.next), limit: 2)
        #expect(second.purged == 0)
        #expect(second.next == nil)
        #expect(try store.purgePushedEventKeys(storedBefore: cutoff, after: nil, limit: 100).purged == 0)
        #expect(try store.pushedEventKeyCount() == 1)
        #expect(try store.statistics().events == 3)

        // A resend of the recent event is still recognised; one of a purged event is not (the price
        // of retention, which is why it must outlast any sender's resend).
        try store.commitPushed(recent)
        #expect(try store.statistics().events == 3)
        try store.commitPushed(old)
        #expect(try store.statistics().events == 5)
    }

    @Test("keys stored before migration v5 count from their event time")
    func keysFromBeforeTheMigrationCountFromTheirEventTime() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try SQLiteStore.migrate(
            path: directory.databasePath, upTo: "v4-incident-lifecycle",
            thenExecute: """
                INSERT INTO pushed_event_keys (source, call_id, phase, time) VALUES
                    ('jsonl', 'c-1', 'started', \(Fixture.time(0).microsecondsSinceEpoch)),
                    ('jsonl', 'c-2', 'started', \(Fixture.time(7_200).microsecondsSinceEpoch));
                """)
        let store = try SQLiteStore(path: directory.databasePath)
        defer { try? store.close() }
        #expect(try store.diagnostics().appliedMigrations.contains("v5-pushed-event-key-stored-at"))
        #expect(try store.purgePushedEventKeys(storedBefore: Fixture.time(3_600), after: nil, limit: 100).purged == 1)
        #expect(try store.pushedEventKeyCount() == 1)
    }
}
