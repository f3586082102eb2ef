import AlertDelivery
import AlertTestSupport
import CallModel
import Foundation
import Incidents
import Logging
import SQLiteStore
import Testing

/// Issue 14, "Reload": a reload swaps the alert sinks; the dispatcher moves to the new set between
/// two deliveries. Real store, real signed webhooks on loopback.
@Suite("Alert sinks swapped by a reload: a new sink gets what it has not delivered, a removed one nothing more, none twice")
struct AlertSinkSwapTests {
    static let secret = "whsec_" + Data("callwarden-swap-secret-0123456789".utf8).base64EncodedString()

    func flag(_ store: SQLiteStore, extension target: String) throws -> String {
        try store.flagMaliciousCall(
            MCIDRequest(
                call: .lastCall(toExtension: target, within: .minutes(10)), kind: .bombThreat, actor: "pbx:*391 from \(target)",
                note: "swap", time: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))),
            crisisLine: nil
        ).alertKey
    }

    func sink(_ name: String, _ receiver: WebhookReceiver) throws -> WebhookSink {
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))
        return WebhookSink(name: name, url: "http://127.0.0.1:\(receiver.port)/hook", signer: signer, clock: .testSystem)
    }

    @Test("[A] → [A, B] → [B]: B catches up on the first alert, A stops after the second, each alert once per sink")
    func swapSinks() async throws {
        let wake = AlertWakeSignal()
        let store = try SQLiteStore.temporary(onAlertCommitted: { wake.ring() })
        defer { try? store.close() }
        let first = try WebhookReceiver(secret: Self.secret)
        let second = try WebhookReceiver(secret: Self.secret)
        try await first.start()
        try await second.start()
        let a = try sink("webhook:a", first)
        let b = try sink("webhook:b", second)
        let sinks = AlertSinkSet([a])
        let counters = AlertDeliveryCounters()
        let dispatcher = AlertDispatcher(
            outbox: store, sinkSet: sinks, pollInterval: .milliseconds(200), wake: wake, clock: .testSystem,
            logger: Logger(label: "test.alerts"), counters: counters)
        let running = Task { try await dispatcher.run() }

        let one = try flag(store, extension: "1001")
        #expect(await eventually(seconds: 30) { counters.counts(for: "webhook:a").delivered == 1 })

        sinks.replace(with: [a, b])
        #expect(sinks.current.number == 1)
        #expect(await eventually(seconds: 30) { counters.counts(for: "webhook:b").delivered == 1 })
        let two = try flag(store, extension: "1002")
        #expect(await eventually(seconds: 30) {
            counters.counts(for: "webhook:a").delivered == 2 && counters.counts(for: "webhook:b").delivered == 2
        })

        sinks.replace(with: [b])
        let three = try flag(store, extension: "1003")
        #expect(await eventually(seconds: 30) { counters.counts(for: "webhook:b").delivered == 3 })
        // A generation's loops have all returned before the next starts: A is not served any more.
        #expect(await eventually(seconds: 30) { (try? store.pendingAlertCount(forSink: "webhook:a", at: WallClock.testSystem.now())) == 1 })

        running.cancel()
        _ = await running.result
        await first.stop()
        await second.stop()
        #expect(first.deliveries == [one: 1, two: 1])
        #expect(second.deliveries == [one: 1, two: 1, three: 1])
        #expect(first.badSignatures == 0 && second.badSignatures == 0)
    }
}
