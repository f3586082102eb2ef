import CallModel
import CallwardenPorts
import SQLiteStore
import Testing

@Suite("Rules and the audit log")
struct RuleStoreTests {
    @Test("rules are added, listed in order, expire, and are removed, each change audited")
    func addListExpireRemove() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let number = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        let prefix = try store.addRule(
            Rule(match: .prefix("4420794601"), scope: "1001", action: .flag, reason: "range under watch",
                 createdBy: "cli:bob", createdAt: Fixture.time(110), expiresAt: Fixture.time(1_000)),
            actor: "cli:bob")
        let redirect = try store.addRule(
            Rule(match: .unidentified, action: .redirect(to: "+442079460999"), reason: "send to crisis line",
                 createdBy: "api:security", createdAt: Fixture.time(120)),
            actor: "api:security")
        #expect(number.id != nil && prefix.id != nil && redirect.id != nil)
        #expect(Set([number.id, prefix.id, redirect.id]).count == 3)

        #expect(try store.rules(activeAt: Fixture.time(500), includeExpired: false) == [number, prefix, redirect])
        #expect(try store.rules(activeAt: Fixture.time(1_000), includeExpired: false) == [number, redirect])
        #expect(try store.rules(activeAt: Fixture.time(1_000), includeExpired: true) == [number, prefix, redirect])

        let id = try #require(number.id)
        #expect(try store.removeRule(id: id, actor: "cli:carol", reason: "caller apologised", at: Fixture.time(2_000)))
        #expect(try !store.removeRule(id: id, actor: "cli:carol", reason: "again", at: Fixture.time(2_001)))
        #expect(try store.rules(activeAt: Fixture.time(500), includeExpired: true) == [prefix, redirect])

        let audit = try store.auditLog(limit: 10)
        #expect(audit.map(\.action) == ["rule.remove", "rule.add", "rule.add", "rule.add"])
        #expect(audit.map(\.actor) == ["cli:carol", "api:security", "cli:bob", "cli:alice"])
        #expect(audit.first?.subject == "rule \(id)")
        #expect(audit.first?.time == Fixture.time(2_000))
        #expect(audit.first?.detail == "block +447700900123: caller apologised")
        #expect(audit[2].detail == "flag +4420794601* scope 1001 until 2023-11-14T22:30:00Z: range under watch")
        #expect(audit[1].detail == "redirect to +442079460999 unidentified: send to crisis line")
        #expect(try store.auditLog(limit: 1).count == 1)
    }

    @Test("automatic rules from a batch are stored with a rule.auto-add audit entry by actor detection")
    func automaticRulesAreAudited() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.rules = [Fixture.blockRule(expiresAt: Fixture.time(86_500), origin: .detection)]
        try store.commit(batch)

        let rules = try store.rules(activeAt: Fixture.time(200), includeExpired: false)
        #expect(rules.count == 1)
        #expect(rules.first?.origin == .detection)
        #expect(rules.first?.createdBy == "detection")
        let audit = try store.auditLog(limit: 10)
        #expect(audit.count == 1)
        #expect(audit.first?.action == "rule.auto-add")
        #expect(audit.first?.actor == "detection")
        #expect(audit.first?.subject == "rule \(rules.first?.id ?? -1)")
    }

    @Test("a redirect without a target is refused by the schema and leaves no audit entry")
    func invalidRuleIsRefused() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let error = #expect(throws: SQLiteStoreError.self) {
            try store.addRule(
                Rule(match: .unidentified, action: .redirect(to: ""), reason: "no target", createdBy: "cli:alice",
                     createdAt: Fixture.time(0)),
                actor: "cli:alice")
        }
        #expect(error?.code == .constraintViolation)
        #expect(try store.auditLog(limit: 10).isEmpty)
        #expect(try store.statistics().rules == 0)
    }
}
