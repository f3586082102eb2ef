import CallModel
import CallwardenPorts
import Incidents
import SQLiteStore
import Testing

@Suite("Incident lifecycle, timeline and the alert outbox in the store")
struct IncidentLifecycleTests {
    private func storeWithIncident(action: ResponseAction = .alert) throws -> (SQLiteStore, Int64) {
        let store = try SQLiteStore.temporary()
        var batch = IngestBatch()
        batch.events = [Fixture.fullEvent(callID: "call,0\n\"x\""), Fixture.fullEvent(callID: "call,1\n\"x\"", at: 60)]
        batch.detections = [Fixture.detection(calls: 2, last: 60, action: action)]
        try store.commit(batch)
        let id = try #require(try store.incidents(limit: 1).first?.id)
        return (store, id)
    }

    @Test("a detection at the alerting action opens the incident and its alert in the batch's transaction")
    func detectionWritesAlert() throws {
        let (store, id) = try storeWithIncident()
        defer { try? store.close() }
        let alerts = try store.alerts(incidentID: id)
        #expect(alerts.map(\.event) == [.opened])
        let alert = try #require(alerts.first)
        #expect(alert.kind == .harassment)
        #expect(alert.severity == .low)
        #expect(alert.identity == Fixture.caller.description)
        // The fixture's caller withheld their number (presentation restricted): "withheld" only.
        #expect(alert.withheld)
        #expect(alert.maskedIdentity == "withheld")
        #expect(!alert.detail.contains("7700900123"))
        #expect(alert.key.hasPrefix("msg_") && alert.key.count == 36)
        #expect(try store.pendingAlerts(forSink: "webhook", dueAt: alert.createdAt, limit: 10).map(\.notice) == alerts)
    }

    @Test("a presented number is masked for readers who are not security, a withheld one shows as withheld only")
    func withheldMaskedInFull() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var presented = Fixture.fullEvent(callID: "call,0\n\"x\"")
        presented.caller.presentationRestricted = false
        var batch = IngestBatch()
        batch.events = [presented]
        batch.detections = [Fixture.detection(calls: 1, last: 0, action: .alert)]
        try store.commit(batch)
        let incident = try #require(try store.incidents(limit: 1).first)
        #expect(!incident.withheld && incident.maskedIdentity == "+447*******23")
        #expect(try store.alerts(incidentID: incident.id).map(\.maskedIdentity) == ["+447*******23"])

        // A later withheld call of the same incident marks it, and every alert after it.
        batch.events = [Fixture.fullEvent(callID: "call,1\n\"x\"", at: 60)]
        batch.detections = [Fixture.detection(calls: 2, last: 60, action: .block)]
        try store.commit(batch)
        let marked = try #require(try store.incident(id: incident.id))
        #expect(marked.withheld && marked.maskedIdentity == "withheld")
        #expect(try store.alerts(incidentID: incident.id).map(\.maskedIdentity) == ["+447*******23", "withheld"])
    }

    @Test("a watch detection opens an incident without an alert; a failed batch stores neither")
    func watchIsSilentAndRollbackTakesAll() throws {
        let (store, id) = try storeWithIncident(action: .watch)
        defer { try? store.close() }
        #expect(try store.alerts(incidentID: id).isEmpty)

        var bad = IngestBatch()
        bad.detections = [Fixture.detection(target: "2002")]
        bad.rules = [Rule(match: .unidentified, action: .block, reason: "x", createdBy: "detection",
                          createdAt: Fixture.time(0), expiresAt: nil, origin: .detection)]
        bad.rules[0].action = .redirect(to: "")  // refused by the schema: the whole batch rolls back
        #expect(throws: SQLiteStoreError.self) { try store.commit(bad) }
        #expect(try store.incidents(limit: 10).count == 1)
        #expect(try store.activeAlerts().isEmpty)
    }

    @Test("escalation alerts at once; more calls at the same action are rate-limited per incident")
    func rateLimitPerIncident() throws {
        let (store, id) = try storeWithIncident()
        defer { try? store.close() }
        var batch = IngestBatch()
        for (calls, last) in [(3, 120), (4, 300), (5, 600)] {  // within 15 min of the first alert
            batch.detections = [Fixture.detection(calls: calls, last: Int64(last), action: .alert)]
            try store.commit(batch)
        }
        batch.detections = [Fixture.detection(calls: 6, last: 700, action: .block)]
        try store.commit(batch)
        batch.detections = [Fixture.detection(calls: 7, last: 800, action: .block)]
        try store.commit(batch)
        batch.detections = [Fixture.detection(calls: 9, last: 700 + 901, action: .block)]
        try store.commit(batch)
        #expect(try store.alerts(incidentID: id).map(\.event) == [.opened, .escalated, .updated])
    }

    @Test("the store writes the ledger's alerts with the incident as it stands: status, severity, start")
    func alertsCarryIncidentState() throws {
        let (store, id) = try storeWithIncident()
        defer { try? store.close() }
        _ = try store.changeStatus(incidentID: id, to: .acknowledged, actor: " alice ", note: "", at: Fixture.time(1_000))
        var batch = IngestBatch()
        batch.detections = [Fixture.detection(calls: 6, last: 1_100, action: .block)]
        try store.commit(batch)
        let alerts = try store.alerts(incidentID: id)
        #expect(alerts.map(\.event) == [.opened, .statusChanged, .escalated])
        #expect(alerts.map(\.status) == [.open, .acknowledged, .acknowledged])
        #expect(alerts.allSatisfy { $0.startsAt == Fixture.time(0) && $0.severity == .low && $0.target == "1001" })
        #expect(alerts[1].detail == "incident acknowledged by alice")
        #expect(Set(alerts.map(\.key)).count == 3)
        let incident = try #require(try store.incident(id: id))
        #expect(incident.status == .acknowledged)
        #expect(incident.updatedAt == Fixture.time(1_100))
        #expect(incident.detectionCount == 1)
        #expect(try store.timeline(incidentID: id)?.calls.count == 2, "calls not stored are linked but not shown")
    }

    @Test("open → acknowledged → reported → closed, audited, with alerts; backwards is refused")
    func lifecycle() throws {
        let (store, id) = try storeWithIncident()
        defer { try? store.close() }
        let acknowledged = try store.changeStatus(
            incidentID: id, to: .acknowledged, actor: "alice", note: "calling the employee", at: Fixture.time(1_000))
        #expect(acknowledged.status == .acknowledged)
        _ = try store.changeStatus(
            incidentID: id, to: .reported, actor: "alice", note: "police report 2024/123", at: Fixture.time(2_000))
        #expect(throws: IncidentChangeError.invalidTransition(from: .reported, to: .acknowledged)) {
            try store.changeStatus(incidentID: id, to: .acknowledged, actor: "bob", note: "", at: Fixture.time(2_100))
        }
        #expect(throws: IncidentChangeError.invalidField("note", reason: "must not be empty")) {
            try store.changeStatus(incidentID: id, to: .closed, actor: "bob", note: "  ", at: Fixture.time(2_200))
        }
        try store.addNote(incidentID: id, actor: "bob", note: "caller identified by police", at: Fixture.time(2_500))
        let closed = try store.changeStatus(
            incidentID: id, to: .closed, actor: "bob", note: "court order obtained", at: Fixture.time(3_000))
        #expect(closed.status == .closed)
        #expect(closed.transitions.map(\.status) == [.acknowledged, .reported, .closed])
        #expect(closed.transitions.map(\.actor) == ["alice", "alice", "bob"])
        #expect(closed.transitions.last?.time == Fixture.time(3_000))
        #expect(throws: IncidentChangeError.notFound(999)) {
            try store.addNote(incidentID: 999, actor: "bob", note: "x", at: Fixture.time(0))
        }

        let alerts = try store.alerts(incidentID: id)
        #expect(alerts.map(\.event) == [.opened, .statusChanged, .statusChanged, .resolved])
        #expect(alerts.last?.endsAt == Fixture.time(3_000))
        #expect(try store.activeAlerts().isEmpty)
        let audit = try store.auditLog(limit: 20).map(\.action)
        #expect(audit.contains("incident.closed") && audit.contains("incident.note") && audit.contains("incident.reported"))

        // A new detection after closing opens a new incident.
        var batch = IngestBatch()
        batch.detections = [Fixture.detection(calls: 5, last: 90_600, first: 90_000)]
        try store.commit(batch)
        #expect(try store.incidents(status: .open, limit: 10).count == 1)
        #expect(try store.incidents(limit: 10).count == 2)
    }

    @Test("the timeline holds the calls as received and normalised, detections, decisions and notes")
    func timeline() throws {
        let (store, id) = try storeWithIncident()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.rules = [Fixture.blockRule(expiresAt: Fixture.time(90_000), origin: .detection)]
        try store.commit(batch)
        try store.addNote(incidentID: id, actor: "alice", note: "employee informed", at: Fixture.time(500))
        let timeline = try #require(try store.timeline(incidentID: id))
        #expect(timeline.calls.count == 2)
        let call = try #require(timeline.calls.first)
        #expect(call.caller.raw == "sip:07700900123@pbx.example")
        #expect(call.caller.number == Fixture.caller)
        #expect(call.caller.assertedIdentity == Fixture.landline)
        #expect(call.disposition == .answered)
        #expect(call.start == Fixture.time(0))
        #expect(timeline.detections.count == 1)
        #expect(timeline.decisions.map(\.summary) == ["block +447700900123 until " + Fixture.time(90_000).rfc3339])
        #expect(timeline.log.map(\.action) == ["opened", "note"])
        let kinds = timeline.entries.map { entry -> String in
            switch entry {
            case .call: "call"
            case .detection: "detection"
            case .decision: "decision"
            case .flag: "flag"
            case .recording: "recording"
            case .log(let log): log.action
            }
        }
        #expect(kinds == ["call", "detection", "opened", "call", "decision", "note"])
        #expect(try store.timeline(incidentID: 404) == nil)
    }

    @Test("each sink has its own place in the outbox; failures are retried in order")
    func outboxPerSink() throws {
        let (store, id) = try storeWithIncident()
        defer { try? store.close() }
        _ = try store.changeStatus(incidentID: id, to: .acknowledged, actor: "alice", note: "", at: Fixture.time(1_000))
        let now = Fixture.time(1_000)
        let pending = try store.pendingAlerts(forSink: "a", dueAt: now, limit: 10)
        #expect(pending.count == 2)
        #expect(try store.pendingAlertCount(forSink: "a", at: now) == 2)
        let first = try #require(pending.first)
        try store.markFailed(alertID: first.notice.id, sink: "a", retryAt: Fixture.time(1_010), error: "down")
        try store.markDelivered(alertID: first.notice.id, sink: "b", at: now)
        #expect(try store.pendingAlertCount(forSink: "a", at: now) == 2, "a failed attempt is still pending")
        #expect(try store.pendingAlertCount(forSink: "b", at: now) == 1)
        let muchLater = Timestamp(secondsSinceEpoch: 4_000_000_000)
        #expect(try store.pendingAlertCount(forSink: "b", at: muchLater) == 0, "older than the outbox horizon")
        #expect(try store.pendingAlerts(forSink: "b", dueAt: muchLater, limit: 10).isEmpty)
        let retried = try store.pendingAlerts(forSink: "a", dueAt: now, limit: 10)
        #expect(retried.first?.attempts == 1)
        #expect(retried.first?.nextAttemptAt == Fixture.time(1_010))
        #expect(try store.pendingAlerts(forSink: "b", dueAt: now, limit: 10).count == 1)
        try store.markDelivered(alertID: first.notice.id, sink: "a", at: now)
        #expect(try store.pendingAlerts(forSink: "a", dueAt: now, limit: 10).map(\.notice.event) == [.statusChanged])
        #expect(try store.activeAlerts().map(\.event) == [.statusChanged])
    }
}
