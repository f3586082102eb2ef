import CallwardenApp
import Foundation
import Logging
import PostgresStore
import Synchronization
import Testing

/// Issue 15: a job that must run on one node at a time, kept by ``LeasedJob`` over a lease in one
/// real PostgreSQL. Tenures are recorded with this process's monotonic clock; the assertions are
/// about their order (never two at once), not about how long anything took.
@Suite("A leased job runs on one node at a time and fails over", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct LeasedJobTests {
    /// When each node's job started and stopped, and under which fence.
    final class Tenures: Sendable {
        struct Tenure: Sendable {
            var node: String
            var fence: Int64
            var start: ContinuousClock.Instant
            var stop: ContinuousClock.Instant?
            /// Whether the node still held its grant on the server after its job had stopped: then
            /// no other node can have started before that stop (taking the job raises the fence).
            /// False when the lease ran out first (the node was cut off, or stalled past its ttl).
            var heldAfterStop = false
        }
        private let tenures = Mutex<[Tenure]>([])
        func start(_ node: String, _ fence: Int64) {
            tenures.withLock { $0.append(Tenure(node: node, fence: fence, start: .now)) }
        }
        func stop(_ node: String) {
            tenures.withLock { tenures in
                if let index = tenures.lastIndex(where: { $0.node == node && $0.stop == nil }) { tenures[index].stop = .now }
            }
        }
        func confirmHeld(_ node: String) {
            tenures.withLock { tenures in
                if let index = tenures.lastIndex(where: { $0.node == node }) { tenures[index].heldAfterStop = true }
            }
        }
        var all: [Tenure] { tenures.withLock { $0 } }
        func running(_ node: String) -> Bool { all.contains { $0.node == node && $0.stop == nil } }
    }

    static func node(_ name: String, settings: PostgresSettings, tenures: Tenures) throws -> LeasedJob {
        let store = try PostgresStore(settings: settings, node: name, logger: Logger(label: "test.\(name)"))
        let lease = PostgresJobLease(job: "alert-outbox", holder: name + "/1", ttl: .seconds(3), store: store)
        return LeasedJob(lease: lease, retryInterval: .milliseconds(100), logger: Logger(label: "test.\(name)")) { grant in
            tenures.start(name, grant.fence)
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
            tenures.stop(name)
            if await onOwnThread({ (try? lease.holds(grant)) == true }) { tenures.confirmHeld(name) }
        }
    }

    /// Runs a blocking PostgreSQL call on a thread of its own, off the cooperative pool.
    static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }

    static func eventually(_ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while !condition() {
            guard Date() < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    @Test("a clean stop hands the job over at once; a node cut off from PostgreSQL loses its job to a higher fence and its job is stopped")
    func failover() async throws {
        let server = try PostgresTestServer.shared.get()
        let settings = try server.makeDatabase()
        let tenures = Tenures()
        // Node B logs in as a role of its own, so that it alone can be cut off.
        let role = "node_b_" + UUID().uuidString.prefix(8).lowercased()
        try server.psql("CREATE ROLE \(role) SUPERUSER LOGIN")

        let a = Task { try await Self.node("a", settings: settings, tenures: tenures).run() }
        #expect(await Self.eventually { tenures.running("a") })
        var cutOffSettings = settings
        cutOffSettings.user = role
        let settingsB = cutOffSettings
        let b = Task { try await Self.node("b", settings: settingsB, tenures: tenures).run() }
        let c = Task { try await Self.node("c", settings: settings, tenures: tenures).run() }

        // A stops cleanly: it releases, and B or C takes over (whichever asks first).
        a.cancel()
        _ = await a.result
        #expect(await Self.eventually { tenures.running("b") || tenures.running("c") })
        // Make B the holder if C won the race: stop C cleanly too.
        if tenures.running("c") {
            c.cancel()
            _ = await c.result
            #expect(await Self.eventually { tenures.running("b") })
        }
        // Another node waiting for the job beside C (C may have been stopped above).
        let d = Task { try await Self.node("d", settings: settings, tenures: tenures).run() }

        // B loses PostgreSQL (its role may no longer log in; its session is ended): it cannot renew,
        // stops its job when its grant's validity ends, and only then may another node start.
        try server.psql("ALTER ROLE \(role) NOLOGIN")
        try server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '\(role)'")
        #expect(await Self.eventually { !tenures.running("b") })
        #expect(await Self.eventually { tenures.all.filter { $0.node != "b" && $0.stop == nil }.count == 1 })

        let bTenure = try #require(tenures.all.last { $0.node == "b" })
        let successor = try #require(tenures.all.first { $0.node != "b" && $0.stop == nil })
        for task in [b, c, d] { task.cancel() }
        for task in [b, c, d] { _ = await task.result }

        // The cut-off node's tenure is over on the server: its grant no longer holds, and the
        // successor holds a higher fence (so any late write of B's, checked with its fence, fails).
        // When B's job noticed its cancellation is left unasserted: on a starved cooperative pool a
        // job may observe it late; the fence, not the clock, is what keeps its writes out.
        #expect(successor.fence > bTenure.fence)
        let observer = PostgresJobLease(
            job: "alert-outbox", holder: "b/1", ttl: .seconds(3),
            store: try PostgresStore(settings: settings, node: "observer", logger: Logger(label: "test.observer")))
        #expect(try !observer.holds(PostgresJobLease.Grant(fence: bTenure.fence, validUntil: .now)))

        // Every tenure under a higher fence than the one before. The clean handovers are causal
        // (stop, release, take, start): never two at once there. A handover is clean when the
        // earlier node still held its grant after its job stopped; on a machine stalled past the
        // ttl (a starved test run) a lease can run out first, and then only the fence orders them.
        let ordered = tenures.all.sorted { $0.start < $1.start }
        #expect(ordered.count >= 3)
        #expect(bTenure.heldAfterStop == false, "the cut-off node cannot have held its grant after it stopped")
        for (earlier, later) in zip(ordered, ordered.dropFirst()) {
            #expect(later.fence > earlier.fence)
            guard earlier.heldAfterStop else { continue }
            let stop = try #require(earlier.stop)
            #expect(stop <= later.start, "\(earlier.node) ran until after \(later.node) started")
        }
    }
}
