import AlertDelivery
import CallModel
import CallwardenPorts
import Foundation
import Incidents
import Logging
import SQLiteStore
import Testing

@Suite(
    "Alertmanager delivery against a real prometheus-alertmanager",
    .enabled(if: AlertmanagerProcess.shouldRun, "needs Debian's prometheus-alertmanager (scripts/install-evidence-test-packages)"))
struct AlertmanagerDeliveryTests {
    @Test("alerts appear with their labels, stay while active, and resolve when the incident closes")
    func fireAndResolve() async throws {
        let alertmanager = try AlertmanagerProcess()
        defer { alertmanager.stop() }
        try await alertmanager.waitUntilReady()

        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [CallEvent(
            time: AlertFixture.time(130), callID: "1700000100.7", source: .asteriskCSV, phase: .ended,
            disposition: .answered, callStart: AlertFixture.time(100),
            caller: CallerIdentity(raw: "anonymous", assertedIdentity: AlertFixture.caller, presentationRestricted: true),
            callee: CalledParty(raw: "1001", key: "1001"))]
        batch.detections = [AlertFixture.detection(target: "1002")]
        try store.commit(batch)
        let bomb = try store.flagMaliciousCall(
            MCIDRequest(call: .callID("1700000100.7"), kind: .bombThreat, actor: "ext:1001", time: AlertFixture.time(200)),
            crisisLine: nil)
        let harassment = try #require(try store.incidents(status: .open, limit: 10).first { $0.kind == .harassment })

        let counters = AlertDeliveryCounters()
        let dispatcher = AlertDispatcher(
            outbox: store,
            sinks: [
                AlertmanagerSink(name: "alertmanager", url: alertmanager.baseURL, resendInterval: .milliseconds(300),
                                 generatorBaseURL: "https://callwarden.example"),
                JournalSink(logger: Logger(label: "test.journal")),
            ],
            pollInterval: .milliseconds(50), clock: .testSystem, logger: Logger(label: "test.alerts"), counters: counters)
        let task = Task { try await dispatcher.run() }
        defer { task.cancel() }

        let bothFiring = await eventually {
            let bombAlert = await alertmanager.alert(incident: bomb.incident.id)
            let harassmentAlert = await alertmanager.alert(incident: harassment.id)
            return bombAlert != nil && harassmentAlert != nil
        }
        #expect(bothFiring)
        let alert = try #require(await alertmanager.alert(incident: bomb.incident.id))
        let labels = try #require(alert["labels"] as? [String: String])
        #expect(labels["alertname"] == "CallwardenIncident")
        #expect(labels["severity"] == "critical")
        #expect(labels["kind"] == "bomb-threat")
        #expect(labels["target"] == "1001")
        let annotations = try #require(alert["annotations"] as? [String: String])
        // The caller withheld their number: Alertmanager's readers are not security, so not even masked.
        #expect(annotations["caller"] == "withheld")
        #expect(annotations["idempotency_key"] == bomb.alertKey)
        #expect(alert["generatorURL"] as? String == "https://callwarden.example/v1/incidents/\(bomb.incident.id)")
        #expect(counters.counts(for: "journal").delivered == 2)

        // Re-sent while active (Alertmanager would otherwise resolve it after resolve_timeout).
        let resent = await eventually { counters.counts(for: "alertmanager").resent >= 2 }
        #expect(resent)

        // Closing the incident sends endsAt: Alertmanager no longer lists it as active.
        _ = try store.changeStatus(
            incidentID: harassment.id, to: .closed, actor: "alice", note: "caller identified; letter sent",
            at: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)))
        let resolved = await eventually { await alertmanager.alert(incident: harassment.id) == nil }
        #expect(resolved)
        #expect(await alertmanager.alert(incident: bomb.incident.id) != nil)
    }
}
