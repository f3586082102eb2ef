import CallModel
import CallwardenPorts
import Testing

/// The contract of the ports the people's listener needs (tokens, console sessions, the review
/// and correction of rules), written once and run against each backend: what the `api` listener
/// relies on whichever store it was given.
enum PeopleContract {
    static func token(_ name: String, lookup: String, role: AccessRole = .viewer, at seconds: Int64 = 0) -> StoredAccessToken {
        StoredAccessToken(
            name: name, role: role, lookup: lookup, secretHash: (0..<32).map { UInt8($0) &* 7 &+ UInt8(lookup.utf8.count) },
            createdAt: Fixture.time(seconds), createdBy: "cli:root")
    }

    static func tokensAreAddedListedRevokedAndAudited(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let alice = token("alice", lookup: "00112233aabbccdd", role: .security)
        let pbx = token("pbx-1", lookup: "ffeeddcc00112233", role: .pbx, at: 5)
        try store.addToken(alice, actor: "cli:root")
        try store.addToken(pbx, actor: "token:admin")
        #expect(try store.tokens() == [alice, pbx])
        #expect(try store.token(lookup: "ffeeddcc00112233") == pbx)
        #expect(try store.token(lookup: "0000000000000000") == nil)

        // A name is never given again, revoked or not; nothing is written then.
        #expect(throws: AccessTokenError.nameTaken("alice")) {
            try store.addToken(token("alice", lookup: "1111111111111111"), actor: "cli:root")
        }
        #expect(try store.revokeToken(name: "alice", actor: "token:admin", at: Fixture.time(20)))
        #expect(try !store.revokeToken(name: "alice", actor: "token:admin", at: Fixture.time(21)))
        #expect(try !store.revokeToken(name: "nobody", actor: "token:admin", at: Fixture.time(21)))
        #expect(throws: AccessTokenError.nameTaken("alice")) {
            try store.addToken(token("alice", lookup: "2222222222222222"), actor: "cli:root")
        }
        var revoked = alice
        revoked.revokedAt = Fixture.time(20)
        #expect(try store.token(lookup: alice.lookup) == revoked)
        #expect(try store.tokens() == [revoked, pbx])

        // A public part in use is refused by the schema.
        #expect { try store.addToken(token("carol", lookup: alice.lookup), actor: "cli:root") } throws: {
            subject.isConstraintViolation($0)
        }
        #expect(try store.tokens().count == 2)

        // Each write audited once, with the actor the caller gave; never the secret.
        let audit = try store.auditLog(since: nil, limit: 10)
        #expect(audit == [
            AuditEntry(time: Fixture.time(20), actor: "token:admin", action: "token.revoke", subject: "token alice", detail: ""),
            AuditEntry(time: Fixture.time(5), actor: "token:admin", action: "token.create", subject: "token pbx-1", detail: "role pbx"),
            AuditEntry(time: Fixture.time(0), actor: "cli:root", action: "token.create", subject: "token alice", detail: "role security"),
        ])
    }

    static func tokenTextIsKeptWhole(_ subject: StoreUnderTest) throws {
        let store = subject.store
        var evil = token("ops\u{0}evil", lookup: "aa01")
        evil.createdBy = "cli:root\u{0}x"
        try store.addToken(evil, actor: "cli:root\u{0}y")
        try store.addToken(token("ops", lookup: "aa02"), actor: "cli:root")
        #expect(throws: AccessTokenError.nameTaken("ops\u{0}evil")) {
            try store.addToken(token("ops\u{0}evil", lookup: "aa03"), actor: "cli:root")
        }
        #expect(try store.tokens().map(\.name) == ["ops\u{0}evil", "ops"])
        #expect(try store.token(lookup: "aa01")?.createdBy == "cli:root\u{0}x")
        #expect(try store.revokeToken(name: "ops", actor: "cli:root", at: Fixture.time(10)))
        let tokens = try store.tokens()
        #expect(tokens.first { $0.name == "ops\u{0}evil" }?.revokedAt == nil)
        #expect(tokens.first { $0.name == "ops" }?.revokedAt == Fixture.time(10))
        let created = try store.auditLog(since: nil, limit: 10).first { $0.subject == "token ops\u{0}evil" }
        #expect(created?.actor == "cli:root\u{0}y")
    }

    static func auditLogIsNewestFirstFromATime(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let entries = [
            AuditEntry(time: Fixture.time(10), actor: "token:alice", action: "incident.view", subject: "incident 1", detail: "a"),
            AuditEntry(time: Fixture.time(30), actor: "token:bob", action: "export", subject: "incident 2", detail: "<b>x</b>\u{0}y"),
            AuditEntry(time: Fixture.time(20), actor: "cli:root", action: "recording.download", subject: "recording 3", detail: ""),
            AuditEntry(time: Fixture.time(30), actor: "token:carol", action: "incident.view", subject: "incident 4", detail: "b"),
        ]
        for entry in entries { try store.recordAudit(entry) }
        // Newest first; at the same time, the later insertion first.
        #expect(try store.auditLog(since: nil, limit: 10) == [entries[3], entries[1], entries[2], entries[0]])
        #expect(try store.auditLog(since: Fixture.time(20), limit: 10) == [entries[3], entries[1], entries[2]])
        #expect(try store.auditLog(since: Fixture.time(31), limit: 10).isEmpty)
        #expect(try store.auditLog(since: nil, limit: 2) == [entries[3], entries[1]])
        #expect(try store.auditLog(since: nil, limit: -1).isEmpty)
        // The rules' view of the same log.
        #expect(try store.auditLog(limit: 10) == [entries[3], entries[1], entries[2], entries[0]])
    }

    static func session(_ first: UInt8, lookup: String = "00112233aabbccdd", opened: Int64, expires: Int64) -> StoredConsoleSession {
        // A hash with a zero byte inside: compared whole.
        StoredConsoleSession(
            idHash: [first, 0] + (2..<32).map { UInt8($0) }, tokenLookup: lookup, openedAt: Fixture.time(opened),
            expiresAt: Fixture.time(expires))
    }

    static func consoleSessionsEndAndAreForgotten(_ subject: StoreUnderTest) throws {
        let store = subject.store
        let first = session(1, opened: 0, expires: 100)
        let second = session(2, lookup: "ffeeddcc00112233", opened: 50, expires: 400)
        try store.openConsoleSession(first)
        try store.openConsoleSession(second)
        #expect(try store.consoleSession(idHash: first.idHash, at: Fixture.time(99)) == first)
        #expect(try store.consoleSession(idHash: second.idHash, at: Fixture.time(99)) == second)
        // Ended at its end; a hash differing in one byte, or cut short, is another session.
        #expect(try store.consoleSession(idHash: first.idHash, at: Fixture.time(100)) == nil)
        #expect(try store.consoleSession(idHash: [9] + first.idHash.dropFirst(), at: Fixture.time(0)) == nil)
        #expect(try store.consoleSession(idHash: Array(first.idHash.prefix(1)), at: Fixture.time(0)) == nil)

        // An id hash in use is refused by the schema; the session kept is the first.
        #expect { try store.openConsoleSession(session(1, lookup: "1111111111111111", opened: 10, expires: 1_000)) } throws: {
            subject.isConstraintViolation($0)
        }
        #expect(try store.consoleSession(idHash: first.idHash, at: Fixture.time(20)) == first)

        // Opening a session forgets those that ended before it was opened (asked at an earlier time,
        // the first is gone); those still running stay.
        let third = session(3, opened: 100, expires: 500)
        try store.openConsoleSession(third)
        #expect(try store.consoleSession(idHash: first.idHash, at: Fixture.time(20)) == nil)
        #expect(try store.consoleSession(idHash: second.idHash, at: Fixture.time(120)) == second)

        // Signing out ends a session at once; signing out of none is no error.
        try store.closeConsoleSession(idHash: second.idHash)
        try store.closeConsoleSession(idHash: second.idHash)
        #expect(try store.consoleSession(idHash: second.idHash, at: Fixture.time(120)) == nil)
        #expect(try store.consoleSession(idHash: third.idHash, at: Fixture.time(120)) == third)
    }
}

@Suite("People's ports contract on SQLite")
struct SQLitePeopleContractTests {
    private func run(_ check: (StoreUnderTest) throws -> Void) throws {
        let subject = try StoreUnderTest.sqlite()
        defer { subject.close() }
        try check(subject)
    }

    @Test func tokens() throws { try run(PeopleContract.tokensAreAddedListedRevokedAndAudited) }
    @Test func tokenTextWhole() throws { try run(PeopleContract.tokenTextIsKeptWhole) }
    @Test func auditLog() throws { try run(PeopleContract.auditLogIsNewestFirstFromATime) }
    @Test func consoleSessions() throws { try run(PeopleContract.consoleSessionsEndAndAreForgotten) }
}

@Suite("People's ports contract on PostgreSQL", .enabled(if: PostgresTestServer.available, PostgresTestServer.skipReason))
struct PostgresPeopleContractTests {
    private func run(_ check: (StoreUnderTest) throws -> Void) throws {
        let subject = try StoreUnderTest.postgres()
        defer { subject.close() }
        try check(subject)
    }

    @Test func tokens() throws { try run(PeopleContract.tokensAreAddedListedRevokedAndAudited) }
    @Test func tokenTextWhole() throws { try run(PeopleContract.tokenTextIsKeptWhole) }
    @Test func auditLog() throws { try run(PeopleContract.auditLogIsNewestFirstFromATime) }
    @Test func consoleSessions() throws { try run(PeopleContract.consoleSessionsEndAndAreForgotten) }
}
