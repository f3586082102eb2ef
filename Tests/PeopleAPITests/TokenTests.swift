import CallModel
import CallwardenPorts
import Foundation
import NIOHTTP1
import PeopleAPI
import SQLiteStore
import Testing

@Suite("Tokens: made once, stored as a hash, revoked at once, guessing limited", .serialized)
struct TokenTests {
    @Test("the store keeps only the secret's SHA-256: the token's secret part is nowhere in the database file")
    func onlyTheHashIsStored() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("people-hash-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.sqlite").path
        let store = try SQLiteStore(path: path)
        let token = try AccessTokenIssuer.issue(name: "alice", role: .ops, actor: "cli:root", at: PeopleServer.now, store: store)
        try store.close()
        #expect(token.text.hasPrefix("cw_") && token.text.utf8.count == 84)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes += wal }
        #expect(bytes.range(of: Data(token.secret.text.utf8)) == nil)
        #expect(bytes.range(of: Data(token.secretHash)) != nil)
        let reopened = try SQLiteStore(path: path)
        defer { try? reopened.close() }
        #expect(try reopened.tokens().map(\.name) == ["alice"])
        #expect(try reopened.auditLog(since: nil, limit: 5).map(\.action) == ["token.create"])
        let stored = try #require(try reopened.token(lookup: token.lookup))
        #expect(AccessTokenText(parsing: token.text)?.matches(stored) == true)
        let altered = String(token.text.dropLast()) + (token.text.hasSuffix("0") ? "1" : "0")
        #expect(AccessTokenText(parsing: altered)?.matches(stored) == false)
    }

    @Test("a name is never given twice, not even after revocation (the audit log names actors by it)")
    func namesAreNotReused() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        _ = try AccessTokenIssuer.issue(name: "bob", role: .viewer, actor: "t", at: PeopleServer.now, store: store)
        #expect(try store.revokeToken(name: "bob", actor: "t", at: PeopleServer.now))
        #expect(try !store.revokeToken(name: "bob", actor: "t", at: PeopleServer.now))
        #expect(throws: AccessTokenError.nameTaken("bob")) {
            try AccessTokenIssuer.issue(name: "bob", role: .admin, actor: "t", at: PeopleServer.now, store: store)
        }
    }

    @Test("a token revoked in the store (as by the CLI) is refused at its next request")
    func revocationIsImmediate() async throws {
        try await PeopleServer.with { server in
            let ops = try #require(server.tokens[.ops])
            #expect(try await HTTP.send(.GET, server.base + "/v1/rules", token: ops).status == 200)
            #expect(try server.store.revokeToken(name: "ops", actor: "cli:root", at: PeopleServer.now))
            #expect(try await HTTP.send(.GET, server.base + "/v1/rules", token: ops).status == 401)
        }
    }

    @Test("an admin makes and revokes tokens over HTTP; the new token works and its actions name it")
    func adminManagesTokens() async throws {
        try await PeopleServer.with { server in
            let admin = try #require(server.tokens[.admin])
            let made = try await HTTP.send(.POST, server.base + "/v1/tokens", body: #"{"name":"carol","role":"ops"}"#, token: admin)
            #expect(made.status == 201)
            let carol = try #require(made.json["token"] as? String)
            let forged = try await HTTP.send(
                .POST, server.base + "/v1/rules", body: #"{"match":"07700 900789","reason":"abusive","by":"head-of-security"}"#, token: carol)
            #expect(forged.status == 400 && forged.json["error"] as? String == "by")
            let added = try await HTTP.send(.POST, server.base + "/v1/rules", body: #"{"match":"07700 900789","reason":"abusive"}"#, token: carol)
            #expect(added.status == 201)
            #expect(added.json["created_by"] as? String == "token:carol")
            let audit = try await HTTP.send(.GET, server.base + "/v1/audit?limit=10", token: admin)
            let entries = try #require(audit.json["entries"] as? [[String: Any]])
            #expect(entries.contains { $0["action"] as? String == "rule.add" && $0["actor"] as? String == "token:carol" })
            #expect(entries.contains { $0["action"] as? String == "token.create" && $0["actor"] as? String == "token:admin" })
            let listed = try await HTTP.send(.GET, server.base + "/v1/tokens", token: admin)
            #expect(!listed.text.contains(carol.split(separator: "_").last.map(String.init) ?? "-"))
            #expect(try await HTTP.send(.DELETE, server.base + "/v1/tokens/carol", token: admin).status == 200)
            #expect(try await HTTP.send(.GET, server.base + "/v1/rules", token: carol).status == 401)
            #expect(try await HTTP.send(.POST, server.base + "/v1/tokens", body: #"{"name":"carol","role":"ops"}"#, token: admin).status == 409)
        }
    }

    @Test("past the failed-authentication limit an address is answered 429, even with a good token")
    func failedAuthenticationsAreLimited() async throws {
        try await PeopleServer.with(failureLimit: 3) { (server: PeopleServer) async throws in
            let bad = "cw_0123456789abcdef_" + String(repeating: "b", count: 64)
            for _ in 0..<3 { #expect(try await HTTP.send(.GET, server.base + "/v1/rules", token: bad).status == 401) }
            #expect(try await HTTP.send(.GET, server.base + "/v1/rules", token: bad).status == 429)
            #expect(try await HTTP.send(.GET, server.base + "/v1/rules", token: server.tokens[.ops]).status == 429)
        }
    }
}
