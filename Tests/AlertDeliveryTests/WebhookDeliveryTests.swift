import AlertDelivery
import AlertTestSupport
import CallModel
import CallwardenPorts
import Foundation
import Incidents
import Logging
import MetricsExposition
import SQLiteStore
import Synchronization
import Testing

@Suite("Webhook delivery: a receiver that is down, then up; a restart in between", .serialized)
struct WebhookDeliveryTests {
    static let secret = "whsec_" + Data("callwarden-test-secret-0123456789".utf8).base64EncodedString()

    private func dispatcher(store: SQLiteStore, port: Int, counters: AlertDeliveryCounters) throws -> AlertDispatcher {
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))
        return AlertDispatcher(
            outbox: store,
            sinks: [WebhookSink(name: "webhook:security", url: "http://127.0.0.1:\(port)/hook", signer: signer, timeout: .seconds(2), clock: .testSystem)],
            retry: RetrySchedule(initial: TimeSpan(microseconds: 50_000), maximum: TimeSpan(microseconds: 200_000)),
            pollInterval: .milliseconds(50), clock: .testSystem, logger: Logger(label: "test.alerts"), counters: counters)
    }

    @Test("every alert arrives exactly once, signed, after the receiver comes up and Callwarden restarted")
    func downThenUpAcrossRestart() async throws {
        let directory = try AlertFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("callwarden.sqlite").path
        // Held (bound, not listening: refused) for the whole test: the receiver that is down.
        let held = try HeldPort()
        let port = held.port
        defer { held.release() }

        // Phase 1: three incidents alert while nothing listens on the webhook's port.
        var store = try SQLiteStore(path: path)
        try AlertFixture.raiseAlerts(in: store, targets: ["1001", "1002", "1003"])
        let firstCounters = AlertDeliveryCounters()
        let first = Task { [store] in try await dispatcher(store: store, port: port, counters: firstCounters).run() }
        let failedTwice = await eventually { firstCounters.counts(for: "webhook:security").failedAttempts >= 2 }
        #expect(failedTwice)
        first.cancel()
        _ = await first.result
        #expect(firstCounters.counts(for: "webhook:security").delivered == 0)
        // The backlog for /metrics: a webhook reads one alert per round, so the store counted the three.
        var collector = MetricsCollector()
        firstCounters.collectMetrics(into: &collector)
        #expect(collector.family("callwarden_alerts_pending")?.value(["sink": "webhook:security"]) == 3)
        #expect(collector.family("callwarden_alerts_delivered_total")?.value(["sink": "webhook:security"]) == 0)
        #expect((collector.family("callwarden_alert_delivery_failures_total")?.value(["sink": "webhook:security"]) ?? 0) >= 2)
        let pendingBeforeRestart = try store.pendingAlerts(forSink: "webhook:security", dueAt: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)), limit: 100)
        #expect(pendingBeforeRestart.count == 3)
        #expect(pendingBeforeRestart.first?.attempts ?? 0 >= 2)
        try store.close()

        // Phase 2: Callwarden restarts (new store, new dispatcher); a fourth alert comes from a
        // status change; then the receiver comes up (on an address of its own).
        store = try SQLiteStore(path: path)
        defer { try? store.close() }
        let incident = try #require(try store.incidents(limit: 10).first)
        _ = try store.changeStatus(incidentID: incident.id, to: .acknowledged, actor: "alice", note: "on it", at: AlertFixture.time(900))
        let keys = Set(try store.incidents(limit: 10).flatMap { try store.alerts(incidentID: $0.id).map(\.key) })
        #expect(keys.count == 4)

        // The receiver comes up on a port of its own (port 0) and the restarted Callwarden's webhook
        // points there: the alerts are the sink's, not the address's. (Reusing the held port made
        // the rebind race any other listener of a parallel run for that port.)
        let receiver = try WebhookReceiver(secret: Self.secret)
        try await receiver.start()
        defer { Task { await receiver.stop() } }
        let secondCounters = AlertDeliveryCounters()
        let second = Task { [store, port = receiver.port] in
            try await dispatcher(store: store, port: port, counters: secondCounters).run()
        }
        defer { second.cancel() }
        let allArrived = await eventually { receiver.deliveries.count == 4 }
        #expect(allArrived)
        // Let the dispatcher run on: nothing more may arrive.
        let drained = await eventually { (try? store.pendingAlerts(forSink: "webhook:security", dueAt: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970) + 3_600), limit: 10).isEmpty) ?? false }
        #expect(drained)
        let backlogGone = await eventually { secondCounters.counts(for: "webhook:security").pending == 0 }
        #expect(backlogGone, "a round that finds nothing waiting sets the backlog to 0")
        second.cancel()
        _ = await second.result
        await receiver.stop()

        #expect(Set(receiver.deliveries.keys) == keys)
        #expect(receiver.deliveries.values.allSatisfy { $0 == 1 })
        #expect(receiver.badSignatures == 0)
        #expect(secondCounters.counts(for: "webhook:security").delivered == 4)
        let firstKey = try #require(keys.first)
        let body = try #require(receiver.body(of: firstKey))
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["caller"] as? String == "+447*******23")
        #expect((body["type"] as? String)?.hasPrefix("incident.") == true)
    }

    @Test("a receiver that refuses an alert for good (400) does not block the ones after it")
    func rejectedAlertIsNotRetriedForever() async throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        try AlertFixture.raiseAlerts(in: store, targets: ["2001", "2002"])
        // A receiver with another secret answers 401 (retryable); one that answers 400 is what
        // "rejected" means: use a receiver whose signature check fails for the first id only.
        let receiver = try WebhookReceiver(secret: Self.secret)
        try await receiver.start()
        let port = receiver.port
        defer { Task { await receiver.stop() } }
        let counters = AlertDeliveryCounters()
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))
        let rejecting = RejectFirstSink(inner: WebhookSink(name: "webhook:x", url: "http://127.0.0.1:\(port)/hook", signer: signer, clock: .testSystem))
        let dispatcher = AlertDispatcher(
            outbox: store, sinks: [rejecting], pollInterval: .milliseconds(50), clock: .testSystem, logger: Logger(label: "test"), counters: counters)
        let task = Task { try await dispatcher.run() }
        let done = await eventually { counters.counts(for: "webhook:x").delivered == 2 }
        task.cancel()
        _ = await task.result
        #expect(done)
        #expect(counters.counts(for: "webhook:x").rejected == 1)
        #expect(receiver.deliveries.count == 1)
        var collector = MetricsCollector()
        counters.collectMetrics(into: &collector)
        #expect(collector.family("callwarden_alerts_refused_total")?.value(["sink": "webhook:x"]) == 1)
        #expect(collector.family("callwarden_alerts_delivered_total")?.value(["sink": "webhook:x"]) == 2)
    }
}

/// Refuses the first alert it sees with a definite rejection, passes the rest on.
struct RejectFirstSink: AlertSink {
    let inner: WebhookSink
    private let seen = SeenFlag()
    var name: String { inner.name }
    var batchSize: Int { 1 }

    func deliver(_ notices: [AlertNotice]) async throws(AlertDeliveryError) {
        if seen.firstTime() { throw .rejected("test receiver answered 400") }
        try await inner.deliver(notices)
    }
}

final class SeenFlag: Sendable {
    private let flag = Mutex(false)
    func firstTime() -> Bool {
        flag.withLock { seen in
            defer { seen = true }
            return !seen
        }
    }
}
