import CallModel
import CallwardenPorts
import Console
import Foundation
import HTTPTypes
import Incidents
import NIOHTTP1
import PeopleAPI
import SQLiteStore
import Testing

@Suite("Console sessions that survive a restart; a PBX credential that may only flag calls", .serialized)
struct SessionAndPBXTests {
    @Test("a console login survives a restart of the listener over the same store; only the id's hash is stored; signing out ends it")
    func sessionSurvivesRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callwarden-sessions-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("callwarden.sqlite").path
        var tokens: [AccessRole: String] = [:]
        var cookie = ""
        var csrf = ""
        try await PeopleServer.with(storePath: path) { server in
            tokens = server.tokens
            cookie = try await ConsoleTests.logIn(server, try #require(server.tokens[.ops])).cookie
            let page = try await HTTP.send(.GET, server.base + "/ui/blocks", cookie: cookie)
            csrf = try #require(ConsoleTests.first(#"name="csrf" value="([0-9a-f]+)""#, in: page.text))
        }
        let id = String(cookie.drop { $0 != "=" }.dropFirst())
        #expect(id.utf8.count == 64)
        // Neither the session id nor its CSRF token is in the database file; its SHA-256 is.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for name in ["callwarden.sqlite-wal"] {
            if let more = try? Data(contentsOf: directory.appendingPathComponent(name)) { bytes.append(more) }
        }
        #expect(Array(bytes).firstRange(of: Array(id.utf8)) == nil)
        #expect(Array(bytes).firstRange(of: Array(csrf.utf8)) == nil)

        try await PeopleServer.with(storePath: path, tokens: tokens) { server in
            let page = try await HTTP.send(.GET, server.base + "/ui/blocks", cookie: cookie)
            #expect(page.status == 200 && page.text.contains("Signed in as ops"))
            #expect(try ConsoleTests.first(#"name="csrf" value="([0-9a-f]+)""#, in: page.text) == csrf)
            let out = try await HTTP.send(
                .POST, server.base + "/ui/logout", body: HTTP.form([("csrf", csrf)]), contentType: "application/x-www-form-urlencoded", cookie: cookie)
            #expect(out.status == 303)
            #expect(try await HTTP.send(.GET, server.base + "/ui/blocks", cookie: cookie).status == 303)
        }
    }

    @Test("a session ends at its expiry by the wall clock, and a forged id finds nothing")
    func sessionExpires() throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        let start = Timestamp(secondsSinceEpoch: 1_700_000_000)
        let time = ClockValue(start)
        let sessions = ConsoleSessions(store: store, clock: WallClock { time.now }, lifetimeSeconds: 3_600)
        let opened = try sessions.open(tokenLookup: "0123456789abcdef")
        #expect(try sessions.session(opened.id)?.tokenLookup == "0123456789abcdef")
        #expect(try sessions.session(opened.id)?.csrf == opened.csrf)
        #expect(opened.csrf != opened.id)
        #expect(try sessions.session(String(repeating: "0", count: 64)) == nil)
        time.now = start + .seconds(3_599)
        #expect(try sessions.session(opened.id) != nil)
        time.now = start + .seconds(3_600)
        #expect(try sessions.session(opened.id) == nil)
        // A later login forgets the ended ones.
        _ = try sessions.open(tokenLookup: "fedcba9876543210")
        #expect(try ConsoleSessions(store: store, clock: .fixed(start)).session(opened.id) == nil)
    }

    @Test("a PBX credential flags the last call to an extension form-encoded; it may do nothing else; a person's token must send JSON")
    func pbxCredential() async throws {
        try await PeopleServer.with { server in
            try ConsoleCalls.store(server.store)
            let pbx = try #require(server.tokens[.pbx])
            let form = "application/x-www-form-urlencoded"
            let flagged = try await HTTP.send(
                .POST, server.base + "/v1/mcid", body: "kind=threat&extension=1001&within=10m&latest=1", contentType: form, token: pbx)
            #expect(flagged.status == 201, "\(flagged.text)")
            #expect(flagged.json["call_id"] as? String == "call-b")
            let incident = try #require((flagged.json["incident"] as? Int).map(Int64.init))
            #expect(try server.store.timeline(incidentID: incident)?.flags.first?.flaggedBy == "token:pbx")

            let security = try await HTTP.send(
                .POST, server.base + "/v1/mcid", body: "kind=threat&call_id=call-a", contentType: form, token: server.tokens[.security])
            #expect(security.status == 415)
            let json = try await HTTP.send(
                .POST, server.base + "/v1/mcid", body: #"{"kind":"threat","call_id":"call-a"}"#, token: server.tokens[.security])
            #expect(json.status == 201)
            for path in ["/v1/rules", "/v1/incidents", "/v1/incidents/\(incident)", "/v1/audit"] {
                #expect(try await HTTP.send(.GET, server.base + path, token: pbx).status == 403, "\(path)")
            }
            let login = try await HTTP.send(.POST, server.base + "/ui/login", body: HTTP.form([("token", pbx)]), contentType: form)
            #expect(login.status == 403 && login.headers["Set-Cookie"].isEmpty)
            #expect(try await HTTP.send(.GET, server.base + "/ui/blocks", token: pbx).status == 403)
        }
    }
}

/// A wall clock a test steps by hand.
final class ClockValue: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Timestamp
    init(_ value: Timestamp) { self.value = value }
    var now: Timestamp {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
