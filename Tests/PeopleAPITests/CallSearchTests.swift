import CallModel
import CallwardenPorts
import Foundation
import NIOHTTP1
import PeopleAPI
import SQLiteStore
import Testing

@Suite("Call search by number, extension and time (API and console)", .serialized)
struct CallSearchTests {
    @Test("a viewer finds calls masked (withheld as withheld, no display names, not audited); security sees them whole and is audited")
    func maskedUnlessSecurity() async throws {
        try await PeopleServer.with { server in
            try ConsoleCalls.store(server.store)
            let viewer = try await HTTP.send(.GET, server.base + "/v1/calls?extension=1001", token: server.tokens[.viewer])
            #expect(viewer.status == 200)
            let calls = try #require(viewer.json["calls"] as? [[String: Any]])
            #expect(calls.map { $0["call_id"] as? String } == ["call-b", "call-a"])  // newest first
            #expect(calls.map { $0["caller"] as? String } == ["withheld", ConsoleCalls.hostile.masked])
            #expect(!viewer.text.contains(ConsoleCalls.hostile.description) && !viewer.text.contains(ConsoleCalls.asserted.description))
            #expect(!viewer.text.contains("display_name"))
            let byAsserted = try await HTTP.send(.GET, server.base + "/v1/calls?number=07700900888", token: server.tokens[.viewer])
            #expect((byAsserted.json["calls"] as? [[String: Any]])?.isEmpty == true)
            #expect(!(try server.store.auditLog(since: nil, limit: 50).contains { $0.action == "calls.search" }))

            let security = try await HTTP.send(.GET, server.base + "/v1/calls?number=07700900888&since=1h", token: server.tokens[.security])
            let found = try #require(security.json["calls"] as? [[String: Any]])
            #expect(found.map { $0["caller"] as? String } == ["withheld (\(ConsoleCalls.asserted.description))"])
            let audit = try #require(try server.store.auditLog(since: nil, limit: 1).first)
            #expect(audit.action == "calls.search" && audit.actor == "token:security")
            #expect(!audit.detail.contains(ConsoleCalls.asserted.description) && audit.detail.hasSuffix("1 calls"))
            let named = try await HTTP.send(.GET, server.base + "/v1/calls?number=%2B447700900777", token: server.tokens[.security])
            #expect((named.json["calls"] as? [[String: Any]])?.first?["display_name"] as? String == ConsoleCalls.displayName)
        }
    }

    @Test("pages with next_offset, a time range, and refusals that name the field")
    func pagesAndRefusals() async throws {
        try await PeopleServer.with { server in
            try ConsoleCalls.store(server.store)
            let ops = try #require(server.tokens[.ops])
            let first = try await HTTP.send(.GET, server.base + "/v1/calls?extension=1001&limit=1", token: ops)
            #expect((first.json["calls"] as? [[String: Any]])?.first?["call_id"] as? String == "call-b")
            #expect(first.json["next_offset"] as? Int == 1)
            let second = try await HTTP.send(.GET, server.base + "/v1/calls?extension=1001&limit=1&offset=1", token: ops)
            #expect((second.json["calls"] as? [[String: Any]])?.first?["call_id"] as? String == "call-a" && second.json["next_offset"] == nil)
            // call-a started at 1_700_000_600, call-b at 1_700_000_700.
            let range = try await HTTP.send(
                .GET, server.base + "/v1/calls?since=2023-11-14T22:23:00Z&until=2023-11-14T22:24:00Z", token: ops)
            #expect((range.json["calls"] as? [[String: Any]])?.map { $0["call_id"] as? String } == ["call-a"])
            let other = try await HTTP.send(.GET, server.base + "/v1/calls?extension=2002", token: ops)
            #expect((other.json["calls"] as? [[String: Any]])?.isEmpty == true)
            let badNumber = try await HTTP.send(.GET, server.base + "/v1/calls?number=call%20me", token: ops)
            #expect(badNumber.status == 400 && badNumber.json["error"] as? String == "number")
            let backwards = try await HTTP.send(.GET, server.base + "/v1/calls?since=1h&until=2h", token: ops)
            #expect(backwards.status == 400 && backwards.json["error"] as? String == "until")
            #expect(try await HTTP.send(.GET, server.base + "/v1/calls", token: server.tokens[.pbx]).status == 403)
        }
    }

    @Test("the console's call search: the caller's text inert for security, masked for a viewer")
    func consolePage() async throws {
        try await PeopleServer.with { server in
            try ConsoleCalls.store(server.store)
            let (viewer, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.viewer]))
            let empty = try await HTTP.send(.GET, server.base + "/ui/calls", cookie: viewer)
            #expect(empty.status == 200 && empty.text.contains("id=\"search\"") && !empty.text.contains("id=\"calls\""))
            let masked = try await HTTP.send(.GET, server.base + "/ui/calls?extension=1001", cookie: viewer)
            #expect(masked.text.contains(ConsoleCalls.hostile.masked) && !masked.text.contains(ConsoleCalls.hostile.description))
            #expect(!masked.text.contains("onerror"))
            let (security, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.security]))
            let whole = try await HTTP.send(.GET, server.base + "/ui/calls?extension=1001", cookie: security)
            #expect(whole.text.contains(ConsoleCalls.hostile.description))
            #expect(ConsoleCalls.contains(whole.text, "&lt;img src=x onerror=alert(1)&gt;\\u{202E}Boss&lt;\u{301}"))
            #expect(!whole.text.contains("<img"))
            let bad = try await HTTP.send(.GET, server.base + "/ui/calls?number=%3Cscript%3E", cookie: security)
            #expect(bad.status == 400 && !bad.text.contains("<script>"))
        }
    }
}

@Suite("The incident page's evidence download route")
struct EvidenceRouteTests {
    @Test("security only; a listener without an exporter offers no link and answers 404")
    func roles() async throws {
        try await PeopleServer.with { server in
            let (viewer, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.viewer]))
            #expect(try await HTTP.send(.GET, server.base + "/ui/incidents/1/evidence", cookie: viewer).status == 403)
            let (ops, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.ops]))
            #expect(try await HTTP.send(.GET, server.base + "/ui/incidents/1/evidence", cookie: ops).status == 403)
            let (security, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.security]))
            #expect(try await HTTP.send(.GET, server.base + "/ui/incidents/1/evidence", cookie: security).status == 404)
            #expect(try await HTTP.send(.GET, server.base + "/ui/incidents/1/evidence").status == 303)
        }
    }
}
