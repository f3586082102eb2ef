import Foundation
import Logging
import PostgresStore
import Testing

/// Issue 15, "Jobs that must run once": a lease in the shared PostgreSQL, with fencing. Real
/// server, two holders (as two nodes would be), each with its own connection.
@Suite("Run-once jobs: a lease on PostgreSQL, with fencing", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct JobLeaseTests {
    static func lease(_ holder: String, ttl: Duration, settings: PostgresSettings) throws -> PostgresJobLease {
        let store = try PostgresStore(settings: settings, node: holder, logger: Logger(label: "test.lease"))
        return PostgresJobLease(job: "alert-outbox", holder: holder, ttl: ttl, store: store)
    }

    @Test("one holder at a time; renewing keeps the fence; a clean release hands over at once with a higher fence")
    func oneHolderAtATime() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try Self.lease("node-a/1", ttl: .seconds(60), settings: settings)
        let b = try Self.lease("node-b/1", ttl: .seconds(60), settings: settings)

        let first = try #require(try a.acquire())
        #expect(try b.acquire() == nil)
        let renewed = try #require(try a.acquire())
        #expect(renewed.fence == first.fence)
        #expect(try a.holds(first))
        #expect(try b.currentHolder()?.holder == "node-a/1")

        try a.release(first)
        let taken = try #require(try b.acquire())
        #expect(taken.fence == first.fence + 1)
        #expect(try !a.holds(first))
        #expect(try a.acquire() == nil)
        #expect(try a.currentHolder()?.holder == "node-b/1")
    }

    @Test("a holder that dies (stops renewing, connection gone) loses the job after its ttl, never before its own validity ended; its old grant is fenced off")
    func deadHolderIsReplaced() async throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try Self.lease("node-a/1", ttl: .seconds(2), settings: settings)
        let b = try Self.lease("node-b/1", ttl: .seconds(2), settings: settings)
        let first = try #require(try a.acquire())
        a.store.close()  // the node dies: no renewal, no release

        #expect(try b.acquire() == nil, "the dead holder's grant has not expired on the server yet")
        var taken: PostgresJobLease.Grant?
        let deadline = Date().addingTimeInterval(60)
        while taken == nil, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            taken = try b.acquire()
        }
        let grant = try #require(taken)
        // The dead holder believed itself the holder for less time than the server granted, so
        // the two tenures never overlap.
        #expect(ContinuousClock.now >= first.validUntil)
        #expect(grant.fence == first.fence + 1)

        // The same holder coming back (a paused process resuming) finds its tenure gone.
        #expect(try !a.holds(first))
        #expect(try a.acquire() == nil)
        #expect(try b.holds(grant))
    }
}
