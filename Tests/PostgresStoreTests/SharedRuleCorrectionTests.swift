import CallModel
import CallwardenPorts
import Foundation
import Logging
import PostgresStore
import Synchronization
import Testing

/// Issue 15: the people's rule corrections on the shared PostgreSQL, as two nodes see them (what
/// the contract in `PeopleStoreContract.swift` cannot show with one store).
@Suite("Several sites: reviewing and correcting rules on the shared PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SharedRuleCorrectionTests {
    static func node(_ name: String, _ settings: PostgresSettings) throws -> PostgresStore {
        try PostgresStore(settings: settings, node: name, logger: Logger(label: "test.\(name)"))
    }

    @Test("two nodes removing one rule at once remove it once: one history row, one audit entry, the other finds nothing")
    func concurrentRemovalIsOnce() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try Self.node("site-a", settings)
        let b = try Self.node("site-b", settings)
        defer { a.close(); b.close() }
        for round in 0..<5 {
            let rule = try a.addRule(Fixture.blockRule(), actor: "cli:alice")
            let id = try #require(rule.id)
            let outcomes = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let store = index == 0 ? a : b
                let outcome: String
                do {
                    outcome = "removed \(try store.removeRules(RuleRemoval(selector: .id(id), actor: "node \(index)", reason: "round \(round)", falsePositive: false, time: Fixture.time(200))).removed.count)"
                } catch RuleCorrectionError.notFound {
                    outcome = "not found"
                } catch {
                    outcome = "\(error)"
                }
                outcomes.withLock { $0.append(outcome) }
            }
            #expect(outcomes.withLock { $0.sorted() } == ["not found", "removed 1"])
            #expect(try a.ruleDetails(.id(id)).count == 1)
        }
        #expect(try b.removedRules(limit: 100).count == 5)
        #expect(try b.auditLog(since: nil, limit: 100).filter { $0.action == "rule.remove" }.count == 5)
    }

    @Test("a refused review or correction keeps the node's connection (it is the port's error, not a lost server) and writes nothing")
    func refusalKeepsTheConnection() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let store = try Self.node("site-a", settings)
        defer { store.close() }
        let manual = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        let id = try #require(manual.id)
        let backend = try store.backendProcessID()
        #expect(throws: RuleReviewError.notAutomatic(id)) {
            try store.approveRule(id, actor: "token:ops", reason: "x", time: Fixture.time(300))
        }
        #expect(throws: RuleCorrectionError.notFound(.id(id + 1))) {
            try store.removeRules(RuleRemoval(selector: .id(id + 1), actor: "cli:bob", reason: "x", falsePositive: true, time: Fixture.time(300)))
        }
        #expect(try store.backendProcessID() == backend)
        #expect(try store.ruleReviews([id]).isEmpty)
        #expect(try store.auditLog(since: Fixture.time(300), limit: 10).isEmpty)
    }

    @Test("the history of removed rules is append-only: the server refuses UPDATE and DELETE on it")
    func historyIsAppendOnly() throws {
        let server = try PostgresTestServer.shared.get()
        let settings = try server.makeDatabase()
        let store = try Self.node("site-a", settings)
        defer { store.close() }
        let rule = try store.addRule(Fixture.blockRule(), actor: "cli:alice")
        #expect(try store.removeRule(id: try #require(rule.id), actor: "cli:bob", reason: "gone", at: Fixture.time(200)))
        #expect(throws: TestServerError.self) { try server.psql("UPDATE rule_history SET removal_reason = 'edited'", database: settings.database) }
        #expect(throws: TestServerError.self) { try server.psql("DELETE FROM rule_history", database: settings.database) }
        #expect(try store.removedRules(limit: 10).map(\.reason) == ["gone"])
    }

    @Test("an escalation reset raises the rules revision, as a rule change does, so every node re-reads its exemptions")
    func escalationResetRaisesTheRevision() throws {
        let server = try PostgresTestServer.shared.get()
        let settings = try server.makeDatabase()
        let store = try Self.node("site-a", settings)
        defer { store.close() }
        let revision = try store.rulesRevision()
        try server.psql(
            "INSERT INTO escalation_resets (identity, reset_at, actor, reason) VALUES ('+447700900123', 0, 'cli:a', 'x')",
            database: settings.database)
        #expect(try store.rulesRevision() == revision + 1)
        #expect(try store.escalationResets(since: Timestamp(microsecondsSinceEpoch: 0)).map(\.identity) == [Fixture.caller])
    }
}
