import CallModel
import CallwardenPorts
import Foundation
import Logging
import PostgresStore
import Synchronization
import Testing

/// Issue 15: the people's tokens and console sessions on the shared PostgreSQL, as two nodes see
/// them (each node a ``PostgresStore`` with its own connection).
@Suite("Several sites: tokens and console sessions on the shared PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct SharedPeopleTests {
    static func node(_ name: String, _ settings: PostgresSettings) throws -> PostgresStore {
        try PostgresStore(settings: settings, node: name, logger: Logger(label: "test.\(name)"))
    }

    @Test("two nodes adding one token name at once: one token, and the other is told the name is taken (not a store error)")
    func concurrentNameIsTakenOnce() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try Self.node("site-a", settings)
        let b = try Self.node("site-b", settings)
        defer { a.close(); b.close() }
        for round in 0..<5 {
            let outcomes = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let store = index == 0 ? a : b
                let outcome: String
                do {
                    try store.addToken(PeopleContract.token("ops-\(round)", lookup: "\(round)\(index)"), actor: "node \(index)")
                    outcome = "added"
                } catch AccessTokenError.nameTaken {
                    outcome = "taken"
                } catch {
                    outcome = "\(error)"
                }
                outcomes.withLock { $0.append(outcome) }
            }
            #expect(outcomes.withLock { $0.sorted() } == ["added", "taken"])
        }
        #expect(try a.tokens().map(\.name) == (0..<5).map { "ops-\($0)" })
        #expect(try b.auditLog(since: nil, limit: 100).filter { $0.action == "token.create" }.count == 5)
    }

    @Test("a token revoked through one node is revoked at the other's next read; a login made through one node holds at the other")
    func revocationAndLoginsAreShared() throws {
        let settings = try PostgresTestServer.shared.get().makeDatabase()
        let a = try Self.node("site-a", settings)
        let b = try Self.node("site-b", settings)
        defer { a.close(); b.close() }
        let token = PeopleContract.token("alice", lookup: "00112233aabbccdd", role: .security)
        try a.addToken(token, actor: "cli:root")
        #expect(try b.token(lookup: token.lookup)?.revokedAt == nil)
        let session = PeopleContract.session(7, lookup: token.lookup, opened: 0, expires: 3_600)
        try a.openConsoleSession(session)
        #expect(try b.consoleSession(idHash: session.idHash, at: Fixture.time(10)) == session)

        #expect(try b.revokeToken(name: "alice", actor: "token:admin", at: Fixture.time(20)))
        #expect(try a.token(lookup: token.lookup)?.revokedAt == Fixture.time(20))
        try b.closeConsoleSession(idHash: session.idHash)
        #expect(try a.consoleSession(idHash: session.idHash, at: Fixture.time(30)) == nil)
    }
}
