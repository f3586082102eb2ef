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

/// Two calls that reached extension 1001 shortly before ``PeopleServer/now``: one whose caller
/// wrote a hostile display name, one withheld (with an asserted identity).
enum ConsoleCalls {
    static let hostile = E164Number(e164: "+447700900777")!
    static let asserted = E164Number(e164: "+447700900888")!
    /// Markup, a bidi override and a `<` carrying a combining mark (one grapheme, two scalars).
    static let displayName = "<img src=x onerror=alert(1)>\u{202E}Boss<\u{301}"

    static func store(_ store: SQLiteStore) throws {
        var batch = IngestBatch()
        batch.events = [
            CallEvent(
                time: Timestamp(secondsSinceEpoch: 1_700_000_660), callID: "call-a", source: .asteriskCSV, phase: .ended,
                disposition: .answered, callStart: Timestamp(secondsSinceEpoch: 1_700_000_600),
                caller: CallerIdentity(raw: "07700900777", number: hostile, displayName: displayName),
                callee: CalledParty(raw: "1001", key: "1001")),
            CallEvent(
                time: Timestamp(secondsSinceEpoch: 1_700_000_760), callID: "call-b", source: .asteriskCSV, phase: .ended,
                disposition: .noAnswer, callStart: Timestamp(secondsSinceEpoch: 1_700_000_700),
                caller: CallerIdentity(raw: "anonymous", assertedIdentity: asserted, presentationRestricted: true),
                callee: CalledParty(raw: "1001", key: "1001")),
        ]
        try store.commit(batch)
    }

    static func contains(_ text: String, _ needle: String) -> Bool {
        Array(text.utf8).firstRange(of: Array(needle.utf8)) != nil
    }
}

@Suite("The console's pages: incidents, MCID, review queue, languages, time zone", .serialized)
struct ConsolePagesTests {
    static let form = "application/x-www-form-urlencoded"

    static func csrf(_ page: String) throws -> String {
        try #require(ConsoleTests.first(#"name="csrf" value="([0-9a-f]+)""#, in: page))
    }

    @Test("security flags a call from the MCID page (candidates first), sees the incident with the caller's text inert, and moves it; a viewer sees it masked")
    func incidentsAndMCID() async throws {
        try await PeopleServer.with { server in
            try ConsoleCalls.store(server.store)
            let (cookie, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.security]))
            let empty = try await HTTP.send(.GET, server.base + "/ui/mcid", cookie: cookie)
            #expect(empty.status == 200 && empty.text.contains("id=\"empty\""))
            let csrf = try Self.csrf(empty.text)

            // Two calls reached 1001 in the window: nothing is flagged, both are offered.
            let ambiguous = try await HTTP.send(
                .POST, server.base + "/ui/mcid",
                body: HTTP.form([("csrf", csrf), ("extension", "1001"), ("within_minutes", "10"), ("kind", "threat"), ("note", "said he'd wait outside")]),
                contentType: Self.form, cookie: cookie)
            #expect(ambiguous.status == 409)
            #expect(ambiguous.text.contains("value=\"call-a\"") && ambiguous.text.contains("value=\"call-b\""))
            #expect(ConsoleCalls.contains(ambiguous.text, "&lt;img src=x onerror=alert(1)&gt;\\u{202E}Boss&lt;\u{301}"))
            #expect(!ambiguous.text.contains("<img"))
            #expect(try server.store.incidents(status: nil, limit: 10).isEmpty)

            let flagged = try await HTTP.send(
                .POST, server.base + "/ui/mcid", body: HTTP.form([("csrf", csrf), ("call_id", "call-a"), ("kind", "threat"), ("note", "n")]),
                contentType: Self.form, cookie: cookie)
            #expect(flagged.status == 303)
            let location = try #require(flagged.headers["Location"].first)
            let id = try #require(Int64(location.dropFirst("/ui/incidents/".count)))
            let flag = try #require(try server.store.timeline(incidentID: id)?.flags.first)
            #expect(flag.flaggedBy == "token:security" && flag.callID == "call-a")

            let detail = try await HTTP.send(.GET, server.base + location, cookie: cookie)
            #expect(detail.status == 200)
            #expect(detail.text.contains(UnitedKingdom.national(ConsoleCalls.hostile)))
            #expect(ConsoleCalls.contains(detail.text, "&lt;img src=x onerror=alert(1)&gt;\\u{202E}Boss&lt;\u{301}"))
            #expect(!detail.text.contains("<img") && !ConsoleCalls.contains(detail.text, "\u{202E}"))
            #expect(detail.text.contains("2023-11-15 00:23:20 +02:00"))  // the call's start, 22:23:20 UTC, in Helsinki
            let view = try #require(try server.store.auditLog(since: nil, limit: 1).first)
            #expect(view.action == "incident.view" && view.actor == "token:security" && view.subject == "incident \(id)")

            let acknowledged = try await HTTP.send(
                .POST, server.base + "/ui/incidents/\(id)/status", body: HTTP.form([("csrf", csrf), ("status", "acknowledged"), ("note", "on it")]),
                contentType: Self.form, cookie: cookie)
            #expect(acknowledged.status == 303)
            #expect(try server.store.incident(id: id)?.status == .acknowledged)
            let backwards = try await HTTP.send(
                .POST, server.base + "/ui/incidents/\(id)/status", body: HTTP.form([("csrf", csrf), ("status", "open")]),
                contentType: Self.form, cookie: cookie)
            #expect(backwards.status == 409)
            let noted = try await HTTP.send(
                .POST, server.base + "/ui/incidents/\(id)/notes", body: HTTP.form([("csrf", csrf), ("note", "police ref 123 <b>")]),
                contentType: Self.form, cookie: cookie)
            #expect(noted.status == 303)
            let after = try await HTTP.send(.GET, server.base + location, cookie: cookie)
            #expect(after.text.contains("police ref 123 &lt;b&gt;") && after.text.contains("token:security"))
            #expect(!after.text.contains("value=\"acknowledged\""))  // only forward moves are offered
            let flags = try await HTTP.send(.GET, server.base + "/ui/mcid", cookie: cookie)
            #expect(flags.text.contains("id=\"flag-\(flag.id)\""))

            // A viewer: the list with the caller masked, no link to the detail, the detail and MCID refused.
            let (viewer, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.viewer]))
            let list = try await HTTP.send(.GET, server.base + "/ui/incidents", cookie: viewer)
            #expect(list.status == 200 && list.text.contains("id=\"incident-\(id)\""))
            #expect(list.text.contains(ConsoleCalls.hostile.masked))
            #expect(!list.text.contains(UnitedKingdom.national(ConsoleCalls.hostile)) && !list.text.contains(ConsoleCalls.hostile.description))
            #expect(!list.text.contains("href=\"/ui/incidents/\(id)\"") && !list.text.contains("href=\"/ui/mcid\""))
            #expect(try await HTTP.send(.GET, server.base + location, cookie: viewer).status == 403)
            #expect(try await HTTP.send(.GET, server.base + "/ui/mcid", cookie: viewer).status == 403)
            let entries = try server.store.auditLog(since: nil, limit: 50)
            #expect(entries.filter { $0.action == "incident.view" }.allSatisfy { $0.actor == "token:security" })

            // The admin reads who looked: the audit page, the note's markup inert; nobody else may.
            let (admin, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.admin]))
            let audit = try await HTTP.send(.GET, server.base + "/ui/audit?since=2023-11-14T00:00:00Z", cookie: admin)
            #expect(audit.status == 200 && audit.text.contains("incident.view") && audit.text.contains("token:security"))
            #expect(audit.text.contains("police ref 123 &lt;b&gt;") && !audit.text.contains("<b>"))
            #expect(try await HTTP.send(.GET, server.base + "/ui/audit?since=yesterday", cookie: admin).status == 400)
            #expect(try await HTTP.send(.GET, server.base + "/ui/audit", cookie: viewer).status == 403)
            #expect(try await HTTP.send(.GET, server.base + "/ui/audit", cookie: cookie).status == 403)

            // The prevention page for every reader: counts only; the CSV keeps a PBX's text from
            // becoming a spreadsheet formula.
            var batch = IngestBatch()
            batch.events = [CallEvent(
                time: Timestamp(secondsSinceEpoch: 1_700_000_680), callID: "call-c", source: .asteriskCSV, phase: .ended,
                disposition: .answered, callStart: Timestamp(secondsSinceEpoch: 1_700_000_650),
                caller: CallerIdentity(raw: "07700900999", number: E164Number(e164: "+447700900999")),
                callee: CalledParty(raw: "=HYPERLINK(\"x\")", key: "=HYPERLINK(\"x\")"))]
            try server.store.commit(batch)
            let third = try await HTTP.send(
                .POST, server.base + "/v1/mcid", body: #"{"kind":"harassment","call_id":"call-c"}"#, token: server.tokens[.security])
            #expect(third.status == 201)
            let prevention = try await HTTP.send(.GET, server.base + "/ui/prevention", cookie: viewer)
            #expect(prevention.status == 200 && prevention.text.contains("<svg id=\"heatmap\""))
            #expect(prevention.text.contains("<td>threat</td><td>0</td><td>1</td>"))  // open 0, acknowledged 1
            #expect(prevention.text.contains("Wed 0:00 — 2"))  // call-a and call-c, just after midnight in Helsinki
            #expect(!prevention.text.contains(ConsoleCalls.hostile.masked) && !prevention.text.contains(UnitedKingdom.national(ConsoleCalls.hostile)))
            let hours = try await HTTP.send(.GET, server.base + "/ui/prevention.csv?table=hours", cookie: viewer)
            #expect(hours.headers["Content-Type"].first == "text/csv; charset=utf-8")
            #expect(hours.text.contains("\r\nWed,2,0,"))
            let targets = try await HTTP.send(.GET, server.base + "/ui/prevention.csv?table=targets", cookie: viewer)
            #expect(targets.text.contains("\"'=HYPERLINK(\"\"x\"\")\",1\r\n"))
            #expect(targets.text.contains("1001,1\r\n"))
            #expect(try await HTTP.send(.GET, server.base + "/ui/prevention.csv?table=secrets", cookie: viewer).status == 400)
        }
    }

    @Test("ops see the blocks a detection made in the review queue and mark one a false positive; others may not open it")
    func reviewQueueFalsePositive() async throws {
        try await PeopleServer.with { server in
            let automatic = E164Number(e164: "+447700900555")!
            let rule = try server.store.addRule(
                Rule(match: .number(automatic), action: .block, reason: "repeat caller", createdBy: "detection", createdAt: PeopleServer.now, origin: .detection),
                actor: "detection")
            let id = try #require(rule.id)
            let (cookie, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.ops]))
            let page = try await HTTP.send(.GET, server.base + "/ui/review", cookie: cookie)
            #expect(page.status == 200)
            #expect(page.text.contains(UnitedKingdom.national(automatic)))
            #expect(!page.text.contains(UnitedKingdom.national(PeopleServer.blocked)))  // made by a person: not in the queue
            #expect(page.text.contains("class=\"false-positive\""))
            for role in [AccessRole.viewer, .security, .admin] {
                let (other, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[role]))
                #expect(try await HTTP.send(.GET, server.base + "/ui/review", cookie: other).status == 403, "\(role)")
            }
            let done = try await HTTP.send(
                .POST, server.base + "/ui/blocks/\(id)/remove",
                body: HTTP.form([("csrf", try Self.csrf(page.text)), ("reason", "our courier"), ("false_positive", "1"), ("back", "/ui/review")]),
                contentType: Self.form, cookie: cookie)
            #expect(done.status == 303 && done.headers["Location"].first == "/ui/review")
            let rules = try server.store.rules(activeAt: PeopleServer.now, includeExpired: false)
            #expect(!rules.contains { $0.id == id })
            #expect(rules.contains { $0.action == .allow && $0.match == .number(automatic) })
            #expect(try server.store.removedRules(limit: 1).first?.falsePositive == true)
            let audit = try server.store.auditLog(since: nil, limit: 10)
            #expect(audit.contains { $0.action == "rule.remove.false-positive" && $0.actor == "token:ops" && $0.detail.hasSuffix("our courier") })
            let empty = try await HTTP.send(.GET, server.base + "/ui/review", cookie: cookie)
            #expect(empty.text.contains("id=\"empty\""))
        }
    }

    @Test("the language follows Accept-Language, a ?lang= switch is kept in a cookie, times are in the zone with the offset")
    func languagesAndZone() async throws {
        try await PeopleServer.with { server in
            let (cookie, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.ops]))
            let login = try await HTTP.send(.GET, server.base + "/ui/login", headers: ["Accept-Language": "sv-FI,sv;q=0.9"])
            #expect(login.text.contains("<html lang=\"sv\">") && login.text.contains("Logga in"))
            let finnish = try await HTTP.send(
                .GET, server.base + "/ui/blocks", cookie: cookie, headers: ["Accept-Language": "de-DE, fi;q=0.8, en;q=0.5"])
            #expect(finnish.text.contains("<html lang=\"fi\">") && finnish.text.contains("Estetyt numerot"))
            #expect(finnish.text.contains("Poista esto") && finnish.text.contains("Virheellinen esto"))
            #expect(finnish.text.contains("Europe/Helsinki"))
            #expect(finnish.text.contains("2023-11-15 00:28:20 +02:00"))  // PeopleServer.now, 22:28:20 UTC
            let swedish = try await HTTP.send(.GET, server.base + "/ui/blocks?lang=sv", cookie: cookie)
            #expect(swedish.text.contains("Blockerade nummer") && swedish.text.contains("Häv blockering"))
            let kept = try #require(swedish.headers["Set-Cookie"].first { $0.hasPrefix("callwarden_lang=sv") })
            #expect(kept.contains("SameSite=Strict"))
            let again = try await HTTP.send(
                .GET, server.base + "/ui/blocks", cookie: cookie + "; callwarden_lang=sv", headers: ["Accept-Language": "fi"])
            #expect(again.text.contains("<html lang=\"sv\">"))
            let english = try await HTTP.send(.GET, server.base + "/ui/blocks?lang=xx", cookie: cookie, headers: ["Accept-Language": "de, ja"])
            #expect(english.text.contains("Blocked numbers") && english.headers["Set-Cookie"].isEmpty)
        }
    }

    @Test("language negotiation and zone offsets")
    func negotiationAndOffsets() {
        #expect(ConsoleLanguage.negotiate("fi-FI,fi;q=0.9,en-US;q=0.8") == .fi)
        #expect(ConsoleLanguage.negotiate("en;q=0.5, sv;q=0.7") == .sv)
        #expect(ConsoleLanguage.negotiate("fi;q=0, de") == .en)
        #expect(ConsoleLanguage.negotiate("") == .en)
        let summer = Timestamp(secondsSinceEpoch: 1_719_835_200)  // 2024-07-01 12:00 UTC
        #expect(ConsoleTime(identifier: "Europe/Helsinki").show(summer) == "2024-07-01 15:00:00 +03:00")
        #expect(ConsoleTime(identifier: "America/St_Johns").show(summer) == "2024-07-01 09:30:00 -02:30")
        #expect(ConsoleTime(identifier: "Europe/Stockholm").show(Timestamp(secondsSinceEpoch: 1_700_000_900)) == "2023-11-14 23:28:20 +01:00")
        #expect(ConsoleTime(identifier: "UTC").show(summer) == "2024-07-01 12:00:00 +00:00")
    }
}
