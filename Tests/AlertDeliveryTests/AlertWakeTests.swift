import AlertDelivery
import AlertTestSupport
import CallModel
import CallwardenPorts
import Foundation
import Incidents
import Logging
import SQLiteStore
import Synchronization
import Testing

@Suite("Alert wake-up: an alert committed in this process leaves at once, not at the next poll")
struct AlertWakeTests {
    static let secret = "whsec_" + Data("callwarden-wake-secret-0123456789".utf8).base64EncodedString()
    static let sink = "webhook:security"

    /// The dispatcher polls only every 60 s here, and has read the (empty) outbox before the flag
    /// is committed: without the store's ring after the commit the alert would wait a minute; the
    /// bounded wait below is a third of that.
    @Test("an MCID bomb-threat flag reaches a signed webhook while the poll interval is 60 s")
    func mcidFlagWakesTheDispatcher() async throws {
        let wake = AlertWakeSignal()
        let store = try SQLiteStore.temporary(onAlertCommitted: { wake.ring() })
        defer { try? store.close() }
        let receiver = try WebhookReceiver(secret: Self.secret)
        try await receiver.start()
        let port = receiver.port
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))
        let counters = AlertDeliveryCounters()
        let dispatcher = AlertDispatcher(
            outbox: store, sinks: [WebhookSink(name: Self.sink, url: "http://127.0.0.1:\(port)/hook", signer: signer, clock: .testSystem)],
            pollInterval: .seconds(60), wake: wake, clock: .testSystem, logger: Logger(label: "test.alerts"), counters: counters)
        let running = Task { try await dispatcher.run() }

        // The dispatcher's first round found nothing; it now waits for a ring or the poll.
        let idle = await eventually(seconds: 30) { counters.counts(for: Self.sink).idleRounds >= 1 }
        #expect(idle)
        let outcome = try store.flagMaliciousCall(
            MCIDRequest(
                call: .lastCall(toExtension: "1001", within: .minutes(10)), kind: .bombThreat, actor: "pbx:*391 from 1001",
                note: "named a time", time: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))),
            crisisLine: nil)
        let arrived = await eventually(seconds: 20) { receiver.deliveries[outcome.alertKey] != nil }
        // The receiver has answered; let the dispatcher record it before stopping it.
        let recorded = await eventually(seconds: 20) { counters.counts(for: Self.sink).delivered == 1 }

        running.cancel()
        _ = await running.result
        await receiver.stop()
        #expect(arrived)
        #expect(recorded)
        #expect(receiver.deliveries == [outcome.alertKey: 1])
        #expect(receiver.badSignatures == 0)
        let body = try #require(receiver.body(of: outcome.alertKey))
        #expect(body["type"] as? String == "incident.flagged")
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["kind"] as? String == "bomb-threat")
        #expect(data["severity"] as? String == "critical")
    }

    @Test("only a commit that wrote an alert rings: a batch of calls alone does not")
    func ringsOnlyForAlerts() throws {
        let rings = RingCounter()
        let store = try SQLiteStore.temporary(onAlertCommitted: { rings.add() })
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [
            CallEvent(
                time: AlertFixture.time(0), callID: "c-quiet", source: .asteriskCSV, phase: .ended, disposition: .answered,
                caller: CallerIdentity(raw: "07700900123", number: AlertFixture.caller), callee: CalledParty(raw: "1001", key: "1001")),
        ]
        try store.commit(batch)
        #expect(rings.count == 0)
        try AlertFixture.raiseAlerts(in: store, targets: ["1001"])
        #expect(rings.count == 1)
    }
}

final class RingCounter: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
