import AlertDelivery
import AlertTestSupport
import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Incidents
import Logging
import PostgresStore
import SystemClock
import Testing

/// Issue 15, "no alert is sent twice and none is lost": the shared outbox is delivered by the one
/// node holding its lease, every delivery mark is fenced by that tenure, and a node that dies
/// mid-delivery is replaced. Real PostgreSQL, real webhook receiver on loopback (signatures checked,
/// deliveries counted per `webhook-id`).
@Suite("Several sites: one node delivers the shared alert outbox, fenced", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SharedAlertOutboxTests {
    static let secret = "whsec_" + Data("shared-outbox-test-secret-0123456789".utf8).base64EncodedString()
    static let sink = "webhook:security"

    static func now() -> Timestamp { WallClock.system.now() }

    /// Opens `count` incidents (one per target), each with its opening alert, from `store`.
    static func raiseAlerts(_ count: Int, from store: PostgresStore) throws {
        for index in 0..<count {
            try store.commit(SharedIncidentsTests.batch(node: store.node, first: Int64(index) * 10_000, calls: 3, target: "\(2_000 + index)"))
        }
    }

    static func database(of settings: PostgresSettings) -> String { settings.database }

    /// Alerts the webhook sink has not delivered, read outside any lease.
    static func pending(_ store: PostgresStore) throws -> Int {
        try PostgresAlertOutbox(lease: PostgresJobLease(job: "alert-outbox", holder: "reader", ttl: .seconds(1), store: store), grant: .init(fence: 0, validUntil: .now))
            .pendingAlertCount(forSink: sink, at: now())
    }

    @Test("a mark made under a lease that changed hands is refused and writes nothing; the new holder's is kept")
    func marksAreFenced() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try SharedIncidentsTests.node("site-a", settings)
        let b = try SharedIncidentsTests.node("site-b", settings)
        defer { a.close(); b.close() }
        try Self.raiseAlerts(2, from: a)
        let leaseA = PostgresJobLease(job: "alert-outbox", holder: "site-a/1", ttl: .seconds(1), store: a)
        let leaseB = PostgresJobLease(job: "alert-outbox", holder: "site-b/1", ttl: .seconds(1), store: b)
        let grantA = try #require(try leaseA.acquire())
        let outboxA = PostgresAlertOutbox(lease: leaseA, grant: grantA)
        let pending = try outboxA.pendingAlerts(forSink: Self.sink, dueAt: Self.now(), limit: 10)
        #expect(pending.count == 2)
        try outboxA.markDelivered(alertID: pending[0].notice.id, sink: Self.sink, at: Self.now())

        // Site A stops renewing (paused); once its grant has expired on the server, B takes over.
        var grantB: PostgresJobLease.Grant?
        let deadline = Date().addingTimeInterval(60)
        while grantB == nil, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            grantB = try leaseB.acquire()
        }
        let outboxB = PostgresAlertOutbox(lease: leaseB, grant: try #require(grantB))

        // A resumes and tries to record the second delivery: refused, nothing written.
        #expect {
            try outboxA.markDelivered(alertID: pending[1].notice.id, sink: Self.sink, at: Self.now())
        } throws: { $0 is AlertOutboxLost }
        #expect {
            try outboxA.markFailed(alertID: pending[1].notice.id, sink: Self.sink, retryAt: Self.now(), error: "late")
        } throws: { $0 is AlertOutboxLost }
        let left = try outboxB.pendingAlerts(forSink: Self.sink, dueAt: Self.now(), limit: 10)
        #expect(left.map(\.notice.id) == [pending[1].notice.id])
        #expect(left.first?.attempts == 0)

        try outboxB.markDelivered(alertID: pending[1].notice.id, sink: Self.sink, at: Self.now())
        #expect(try outboxB.pendingAlertCount(forSink: Self.sink, at: Self.now()) == 0)
        #expect(try outboxB.activeAlerts().count == 2)
    }

    @Test("the node delivering dies mid-delivery: the other takes the lease and delivers the rest; every alert arrives, none twice but at most the one in flight")
    func failoverDeliversEveryAlert() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try SharedIncidentsTests.node("site-a", settings)
        let b = try SharedIncidentsTests.node("site-b", settings)
        defer { a.close(); b.close() }
        let receiver = try WebhookReceiver(secret: Self.secret)
        try await receiver.start()
        let count = 12
        try Self.raiseAlerts(count, from: b)
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))

        let port = receiver.port
        let dispatcher: @Sendable (PostgresAlertOutbox, AlertDeliveryCounters, Bool) -> AlertDispatcher = { outbox, counters, slow in
            let webhook = WebhookSink(
                name: Self.sink, url: "http://127.0.0.1:\(port)/hook", signer: signer, timeout: .seconds(5), clock: .system)
            return AlertDispatcher(
                outbox: outbox, sinks: [slow ? PacedSink(inner: webhook) : webhook], pollInterval: .milliseconds(50),
                clock: .system, logger: Logger(label: "test.alerts"), counters: counters)
        }

        // Site A holds the lease (long enough for a loaded run) and delivers slowly; it dies
        // (no release, no renewal) after a few; then its ttl passes (set on the server: how long
        // that takes is the lease tests' subject, not this one's).
        let leaseA = PostgresJobLease(job: "alert-outbox", holder: "site-a/1", ttl: .seconds(600), store: a)
        let grantA = try #require(try leaseA.acquire())
        let countersA = AlertDeliveryCounters()
        let deliveringA = Task.detached { try await dispatcher(PostgresAlertOutbox(lease: leaseA, grant: grantA), countersA, true).run() }
        #expect(await LeasedJobTests.eventually { countersA.counts(for: Self.sink).delivered >= 3 })
        deliveringA.cancel()
        _ = await deliveringA.result
        a.close()
        try PostgresTestServer.shared.get().psql(
            "UPDATE job_leases SET expires_at = now() WHERE job = 'alert-outbox'", database: Self.database(of: settings))
        let deliveredByA = countersA.counts(for: Self.sink).delivered
        #expect(deliveredByA < count)

        // Site B runs the outbox as a leased job: it waits out A's lease and delivers the rest.
        let countersB = AlertDeliveryCounters()
        let leaseB = PostgresJobLease(job: "alert-outbox", holder: "site-b/1", ttl: .seconds(2), store: b)
        let jobB = LeasedJob(lease: leaseB, retryInterval: .milliseconds(100), logger: Logger(label: "test.site-b")) { grant in
            try await dispatcher(PostgresAlertOutbox(lease: leaseB, grant: grant), countersB, false).run()
        }
        let runningB = Task.detached { try await jobB.run() }
        let allArrived = await LeasedJobTests.eventually { receiver.deliveries.count == count }
        #expect(allArrived)
        #expect(await LeasedJobTests.eventually {
            (try? PostgresAlertOutbox(lease: leaseB, grant: .init(fence: 0, validUntil: .now)).pendingAlertCount(forSink: Self.sink, at: Self.now())) == 0
        })
        runningB.cancel()
        _ = await runningB.result
        await receiver.stop()

        let repeats = receiver.deliveries.values.filter { $0 > 1 }.count
        #expect(repeats <= 1, "only an alert in flight when site A died may arrive twice (same webhook-id)")
        #expect(receiver.badSignatures == 0)
        #expect(deliveredByA + countersB.counts(for: Self.sink).delivered >= count)
    }
    @Test("a dispatcher whose lease was taken over stops at its next mark instead of delivering again and again")
    func fencedDispatcherStops() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try SharedIncidentsTests.node("site-a", settings)
        let b = try SharedIncidentsTests.node("site-b", settings)
        defer { a.close(); b.close() }
        let receiver = try WebhookReceiver(secret: Self.secret)
        try await receiver.start()
        try Self.raiseAlerts(3, from: a)
        let leaseA = PostgresJobLease(job: "alert-outbox", holder: "site-a/1", ttl: .seconds(1), store: a)
        let grantA = try #require(try leaseA.acquire())
        // Site A pauses past its lease; site B takes the outbox.
        let leaseB = PostgresJobLease(job: "alert-outbox", holder: "site-b/1", ttl: .seconds(60), store: b)
        #expect(await LeasedJobTests.eventually { ((try? leaseB.acquire()) ?? nil) != nil })

        // A resumes: its first delivery cannot be marked, and it stops there.
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))
        let counters = AlertDeliveryCounters()
        let dispatcher = AlertDispatcher(
            outbox: PostgresAlertOutbox(lease: leaseA, grant: grantA),
            sinks: [WebhookSink(name: Self.sink, url: "http://127.0.0.1:\(receiver.port)/hook", signer: signer, clock: .system)],
            pollInterval: .milliseconds(50), clock: .system, logger: Logger(label: "test.alerts"), counters: counters)
        await #expect(throws: AlertOutboxLost.self) { try await dispatcher.run() }
        await receiver.stop()
        #expect(receiver.deliveries.count == 1, "one delivery went out before the refused mark, and no more")
        #expect(receiver.deliveries.values.allSatisfy { $0 == 1 })
        #expect(counters.counts(for: Self.sink).delivered == 0)
        #expect(try Self.pending(b) == 3, "site B delivers all three, the first again with its webhook-id")
    }
}

/// A webhook that waits a little before each delivery, so a test can stop its node between two.
private struct PacedSink: AlertSink {
    let inner: WebhookSink
    var name: String { inner.name }
    var batchSize: Int { inner.batchSize }
    func deliver(_ notices: [AlertNotice]) async throws(AlertDeliveryError) {
        try? await Task.sleep(for: .milliseconds(150))
        try await inner.deliver(notices)
    }
    func resend(_ active: [AlertNotice]) async throws(AlertDeliveryError) {}
}
