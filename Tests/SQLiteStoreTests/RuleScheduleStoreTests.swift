import CallModel
import CallwardenPorts
import PortsTestSupport
import SQLiteStore
import Testing

@Suite("Rule schedules and the rules revision (migration v2-rule-schedules)")
struct RuleScheduleStoreTests {
    @Test("a rule's schedule is stored as text and read back")
    func scheduleRoundTrips() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var rule = Fixture.blockRule()
        rule.schedule = try RuleSchedule(parsing: "mon-fri 18:00-08:00")
        let stored = try store.addRule(rule, actor: "cli:alice")
        let always = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        #expect(try store.rules(activeAt: Fixture.time(0), includeExpired: true) == [stored, always])
        #expect(stored.schedule?.description == "mon-fri 18:00-08:00")
        #expect(always.schedule == nil)
        #expect(try store.auditLog(limit: 2).last?.detail.contains("during mon-fri 18:00-08:00") == true)
    }

    @Test("the revision moves with every rule insert, automatic insert and delete, and not with events")
    func revisionFollowsRuleChanges() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let start = try store.rulesRevision()
        let added = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        let afterAdd = try store.rulesRevision()
        #expect(afterAdd > start)

        var events = IngestBatch()
        events.events = [Fixture.fullEvent()]
        try store.commit(events)
        #expect(try store.rulesRevision() == afterAdd, "events do not touch the rules revision")

        var automatic = IngestBatch()
        automatic.rules = [Fixture.blockRule(expiresAt: Fixture.time(86_500), origin: .detection)]
        try store.commit(automatic)
        let afterAutomatic = try store.rulesRevision()
        #expect(afterAutomatic > afterAdd)

        let id = try #require(added.id)
        #expect(try store.removeRule(id: id, actor: "cli:bob", reason: "resolved", at: Fixture.time(300)))
        #expect(try store.rulesRevision() > afterAutomatic)
    }

    @Test("the in-memory store keeps the same revision contract")
    func inMemoryRevision() throws {
        let store = InMemoryStore()
        let start = try store.rulesRevision()
        let added = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        #expect(try store.rulesRevision() > start)
        let afterAdd = try store.rulesRevision()
        _ = try store.removeRule(id: try #require(added.id), actor: "cli:alice", reason: "done", at: Fixture.time(1))
        #expect(try store.rulesRevision() > afterAdd)
    }
}
