import CallModel
import CallwardenPorts
import Console
import Foundation
import SQLiteStore
import HTTPTypes
import NIOHTTP1
import PeopleAPI
import Testing

@Suite("The console over HTTP: login, session cookie, CSRF, roles, escaping", .serialized)
struct ConsoleTests {
    /// Logs in with `token`; returns the session cookie (`name=value`) and the Set-Cookie header.
    static func logIn(_ server: PeopleServer, _ token: String) async throws -> (cookie: String, setCookie: String) {
        let answer = try await HTTP.send(
            .POST, server.base + "/ui/login", body: HTTP.form([("token", token)]), contentType: "application/x-www-form-urlencoded")
        #expect(answer.status == 303)
        #expect(answer.headers["Location"].first == "/ui/blocks")
        let setCookie = try #require(answer.headers["Set-Cookie"].first)
        return (String(setCookie.prefix { $0 != ";" }), setCookie)
    }

    static func first(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }

    @Test("ops log in, see the blocked number whole, and unblock it with the form's CSRF token (audited by token name)")
    func opsUnblock() async throws {
        try await PeopleServer.with { server in
            let away = try await HTTP.send(.GET, server.base + "/ui/blocks")
            #expect(away.status == 303 && away.headers["Location"].first == "/ui/login")
            let refused = try await HTTP.send(
                .POST, server.base + "/ui/login", body: "token=cw_nonsense", contentType: "application/x-www-form-urlencoded")
            #expect(refused.status == 401 && refused.text.contains("not valid"))

            let (cookie, setCookie) = try await Self.logIn(server, try #require(server.tokens[.ops]))
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/ui/"))
            #expect(!setCookie.contains("Secure"))  // plain http in this test; api.tls_proxy adds it
            let page = try await HTTP.send(.GET, server.base + "/ui/blocks", cookie: cookie)
            #expect(page.status == 200)
            #expect(page.headers["Content-Security-Policy"].first == ConsoleHTML.contentSecurityPolicy)
            #expect(page.text.contains(UnitedKingdom.national(PeopleServer.blocked)))
            #expect(!page.text.lowercased().contains("<script"))
            let csrf = try #require(Self.first(#"name="csrf" value="([0-9a-f]+)""#, in: page.text))
            let id = try #require(Self.first(#"id="rule-([0-9]+)""#, in: page.text))

            // The API does not take the console's cookie (bearer only, so it needs no CSRF tokens).
            #expect(try await HTTP.send(.GET, server.base + "/v1/rules", cookie: cookie).status == 401)
            // A form without or with a wrong CSRF token changes nothing.
            for fields in [[("reason", "x")], [("csrf", String(repeating: "0", count: 64)), ("reason", "x")]] {
                let forged = try await HTTP.send(
                    .POST, server.base + "/ui/blocks/\(id)/remove", body: HTTP.form(fields), contentType: "application/x-www-form-urlencoded",
                    cookie: cookie)
                #expect(forged.status == 403)
            }
            #expect(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).count == 2)
            let removed = try await HTTP.send(
                .POST, server.base + "/ui/blocks/\(id)/remove", body: HTTP.form([("csrf", csrf), ("reason", "agreed <b>on phone</b>")]),
                contentType: "application/x-www-form-urlencoded", cookie: cookie)
            #expect(removed.status == 303)
            let after = try await HTTP.send(.GET, server.base + "/ui/blocks", cookie: cookie)
            #expect(!after.text.contains("id=\"rule-\(id)\""))
            let audit = try #require(try server.store.auditLog(since: nil, limit: 1).first)
            #expect(audit.action == "rule.remove" && audit.actor == "token:ops" && audit.detail.hasSuffix("agreed <b>on phone</b>"))

            // Signing out ends the session on the server, not only in the browser.
            let out = try await HTTP.send(
                .POST, server.base + "/ui/logout", body: HTTP.form([("csrf", csrf)]), contentType: "application/x-www-form-urlencoded",
                cookie: cookie)
            #expect(out.status == 303)
            #expect(try await HTTP.send(.GET, server.base + "/ui/blocks", cookie: cookie).status == 303)
        }
    }

    @Test("a viewer sees numbers masked and no unblock form, and cannot post one; hostile reasons are text")
    func viewerSeesMaskedNumbers() async throws {
        try await PeopleServer.with { server in
            _ = try server.store.addRule(
                Rule(match: .prefix("4411349"), action: .block, reason: "<script>alert(1)</script>\u{202E}evil", createdBy: "cli:x", createdAt: PeopleServer.now),
                actor: "cli:x")
            let (cookie, _) = try await Self.logIn(server, try #require(server.tokens[.viewer]))
            let page = try await HTTP.send(.GET, server.base + "/ui/blocks", cookie: cookie)
            #expect(page.status == 200)
            #expect(page.text.contains(PeopleServer.blocked.masked))
            #expect(!page.text.contains(UnitedKingdom.national(PeopleServer.blocked)))
            #expect(!page.text.contains(PeopleServer.blocked.description))
            #expect(!page.text.contains("Unblock"))
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\u{202E}evil"))
            #expect(!page.text.contains("<script>"))
            let csrf = try #require(Self.first(#"name="csrf" value="([0-9a-f]+)""#, in: page.text))
            let id = try #require(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).first?.id)
            let refused = try await HTTP.send(
                .POST, server.base + "/ui/blocks/\(id)/remove", body: HTTP.form([("csrf", csrf)]), contentType: "application/x-www-form-urlencoded",
                cookie: cookie)
            #expect(refused.status == 403)
            #expect(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).count == 3)
        }
    }
}

/// The UK national format the console shows ops (`07700 900123`).
enum UnitedKingdom {
    static func national(_ number: E164Number) -> String { NumberPlan.unitedKingdom.nationalFormat(number) }
}
