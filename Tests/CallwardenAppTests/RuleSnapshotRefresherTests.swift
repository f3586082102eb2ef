import CallModel
import CallPipeline
import CallwardenPorts
import PortsTestSupport
import CallwardenApp
import Foundation
import Logging
import RuleMatching
import SQLiteStore
import Testing

@Suite("Rules from the store reach the call path")
struct RuleSnapshotRefresherTests {
    static let harasser = E164Number(e164: "+442079460123")!
    static let start = Timestamp(secondsSinceEpoch: 1_705_320_000)

    static func request(_ number: E164Number, callee: String = "1001", at time: Timestamp = start) -> DecisionRequest {
        DecisionRequest(
            caller: CallerIdentity(raw: number.description, number: number), callee: CalledParty(raw: callee, key: callee),
            callID: nil, time: time)
    }

    static func block(_ number: E164Number, schedule: RuleSchedule? = nil) -> Rule {
        Rule(
            match: .number(number), action: .block, reason: "threatening calls", createdBy: "cli:test",
            createdAt: start - .days(1), schedule: schedule)
    }

    @Test("a rule added by another connection (as `callwarden blocks add` does) is decided by the running refresher")
    func ruleAddedElsewhereIsSeen() async throws {
        let directory = try TestSupport.temporaryDirectory("refresher")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/callwarden.sqlite"
        let daemonStore = try SQLiteStore(path: path)
        let refresher = try RuleSnapshotRefresher(
            store: daemonStore, timeZone: .utc, pollInterval: .milliseconds(20), logger: Logger(label: "test"),
            now: { Self.start })
        let decider = PublishedRuleDecider(publisher: refresher.publisher)
        #expect(decider.decide(Self.request(Self.harasser)) == .defaultAllow)

        let service = Task { try await refresher.run() }
        defer { service.cancel() }

        // A second store on the same file: the CLI's view, another connection (another process in production).
        let cliStore = try SQLiteStore(path: path)
        let added = try cliStore.addRule(Self.block(Self.harasser), actor: "cli:test")
        try cliStore.close()

        var decision = decider.decide(Self.request(Self.harasser))
        for _ in 0..<500 where decision.ruleID == nil {
            try await Task.sleep(for: .milliseconds(10))
            decision = decider.decide(Self.request(Self.harasser))
        }
        #expect(decision == CallDecision(action: .block, ruleID: added.id, reason: "threatening calls"))
        #expect(decider.decide(Self.request(E164Number(e164: "+442079460124")!)) == .defaultAllow)

        // Removal is seen the same way.
        let remover = try SQLiteStore(path: path)
        #expect(try remover.removeRule(id: try #require(added.id), actor: "cli:test", reason: "resolved", at: Self.start))
        try remover.close()
        for _ in 0..<500 where decision.ruleID != nil {
            try await Task.sleep(for: .milliseconds(10))
            decision = decider.decide(Self.request(Self.harasser))
        }
        #expect(decision == .defaultAllow)
        #expect(refresher.publisher.statistics.published >= 2)
    }

    @Test("refresh publishes only when the revision moved, the snapshot is too old, or when forced")
    func refreshOnlyWhenDue() throws {
        let store = InMemoryStore()
        let clock = TestClock(Self.start)
        let refresher = try RuleSnapshotRefresher(
            store: store, timeZone: .utc, maximumAge: .hours(1), logger: Logger(label: "test"), now: { clock.now })
        #expect(try !refresher.refresh())
        _ = try store.addRule(Self.block(Self.harasser), actor: "cli:test")
        #expect(try refresher.refresh())
        #expect(try !refresher.refresh())
        clock.advance(.minutes(61))
        #expect(try refresher.refresh(), "older than the maximum age")
        #expect(try refresher.refresh(force: true))
        #expect(refresher.publisher.statistics.published == 3)
        #expect(refresher.publisher.statistics.pendingReclamation == 0)
    }

    @Test("scheduled rules from the store are judged in the configured zone")
    func scheduledRuleUsesTheZone() throws {
        let store = InMemoryStore()
        _ = try store.addRule(Self.block(Self.harasser, schedule: try RuleSchedule(parsing: "mon 13:00-14:00")), actor: "t")
        // Monday 12:30 UTC is 13:30 at +01:00.
        let refresher = try RuleSnapshotRefresher(
            store: store, timeZone: .fixed(offsetSeconds: 3_600), logger: Logger(label: "test"), now: { Self.start })
        let decider = PublishedRuleDecider(publisher: refresher.publisher)
        #expect(decider.decide(Self.request(Self.harasser, at: Self.start + .minutes(30))).action == .block)
        #expect(decider.decide(Self.request(Self.harasser, at: Self.start + .minutes(90))).action == .allow)
    }
}

/// A settable clock for the refresher's `now`.
final class TestClock: @unchecked Sendable {
    // Only touched from the test's own task.
    private(set) var now: Timestamp

    init(_ start: Timestamp) { now = start }

    func advance(_ span: TimeSpan) { now = now + span }
}
