import CallModel
import CallwardenPorts
import Foundation
import NIOHTTP1
import PeopleAPI
import SQLiteStore
import Testing

@Suite("The review queue of automatic blocks: approve, reject, change expiry (API and console)", .serialized)
struct ReviewQueueTests {
    static let automatic = E164Number(e164: "+447700900555")!
    static let second = E164Number(e164: "+447700900556")!

    static func addAutomatic(_ server: PeopleServer, _ number: E164Number) throws -> Int64 {
        let rule = try server.store.addRule(
            Rule(
                match: .number(number), action: .block, reason: "repeat caller", createdBy: "detection", createdAt: PeopleServer.now,
                expiresAt: PeopleServer.now + TimeSpan.hours(24), origin: .detection),
            actor: "detection")
        return try #require(rule.id)
    }

    @Test("ops approve (kept, out of the queue, reviewed by the token), change the expiry (old one in the audit) and reject (removed into history)")
    func overTheAPI() async throws {
        try await PeopleServer.with { server in
            let ops = try #require(server.tokens[.ops])
            let first = try Self.addAutomatic(server, Self.automatic)
            let other = try Self.addAutomatic(server, Self.second)
            let queue = try await HTTP.send(.GET, server.base + "/v1/review", token: ops)
            let rules = try #require(queue.json["rules"] as? [[String: Any]])
            #expect(Set(rules.compactMap { $0["id"] as? Int }) == [Int(first), Int(other)])  // the manual block is not there
            #expect((rules.first?["why"] as? [String: Any])?["origin"] as? String == "detection")

            let manual = try #require(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).first { $0.origin == .manual }?.id)
            #expect(try await HTTP.send(.POST, server.base + "/v1/review/\(manual)/approve", body: "{}", token: ops).status == 409)
            let forged = try await HTTP.send(.POST, server.base + "/v1/review/\(first)/approve", body: #"{"by":"head-of-security"}"#, token: ops)
            #expect(forged.status == 400 && forged.json["error"] as? String == "by")
            let approved = try await HTTP.send(.POST, server.base + "/v1/review/\(first)/approve", body: #"{"reason":"he called 40 times"}"#, token: ops)
            #expect(approved.status == 200 && approved.json["reviewed_by"] as? String == "token:ops")
            let after = try await HTTP.send(.GET, server.base + "/v1/review", token: ops)
            #expect((after.json["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [Int(other)])
            let all = try await HTTP.send(.GET, server.base + "/v1/review?all=true", token: ops)
            let kept = (all.json["rules"] as? [[String: Any]])?.first { $0["id"] as? Int == Int(first) }
            #expect((kept?["review"] as? [String: Any])?["reviewed_by"] as? String == "token:ops")
            #expect(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).contains { $0.id == first })

            let badExpiry = try await HTTP.send(.POST, server.base + "/v1/review/\(other)/expiry", body: #"{"expires":"soon","reason":"x"}"#, token: ops)
            #expect(badExpiry.status == 400 && badExpiry.json["error"] as? String == "expires")
            let noReason = try await HTTP.send(.POST, server.base + "/v1/review/\(other)/expiry", body: #"{"expires":"7d"}"#, token: ops)
            #expect(noReason.status == 400 && noReason.json["error"] as? String == "reason")
            let longer = try await HTTP.send(.POST, server.base + "/v1/review/\(other)/expiry", body: #"{"expires":"7d","reason":"still calling"}"#, token: ops)
            #expect(longer.status == 200)
            #expect(longer.json["expires_at"] as? String == (PeopleServer.now + TimeSpan.hours(24 * 7)).rfc3339)
            let stored = try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).first { $0.id == other }
            #expect(stored?.expiresAt == PeopleServer.now + TimeSpan.hours(24 * 7))
            let expiryAudit = try #require(try server.store.auditLog(since: nil, limit: 1).first)
            #expect(expiryAudit.action == "rule.expiry" && expiryAudit.actor == "token:ops")
            #expect(expiryAudit.detail.contains((PeopleServer.now + TimeSpan.hours(24)).rfc3339))  // the old expiry

            let rejectNoReason = try await HTTP.send(.POST, server.base + "/v1/review/\(other)/reject", body: "{}", token: ops)
            #expect(rejectNoReason.status == 400 && rejectNoReason.json["error"] as? String == "reason")
            let rejected = try await HTTP.send(.POST, server.base + "/v1/review/\(other)/reject", body: #"{"reason":"a colleague's mobile"}"#, token: ops)
            #expect(rejected.status == 200 && rejected.json["rejected"] as? Int == Int(other))
            #expect(!(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).contains { $0.id == other }))
            #expect(try server.store.removedRules(limit: 1).first?.rule.id == other)
            let audit = try server.store.auditLog(since: nil, limit: 10)
            #expect(audit.first?.action == "rule.remove" && audit.first?.actor == "token:ops")
            #expect(audit.contains { $0.action == "rule.review.approve" && $0.actor == "token:ops" && $0.detail.hasSuffix("he called 40 times") })
            #expect(try await HTTP.send(.POST, server.base + "/v1/review/\(other)/reject", body: #"{"reason":"again"}"#, token: ops).status == 404)
        }
    }

    @Test("the why of a rule over GET /v1/rules/{id}: who made it, masked for a viewer")
    func whyOfARule() async throws {
        try await PeopleServer.with { server in
            let id = try Self.addAutomatic(server, Self.automatic)
            let answer = try await HTTP.send(.GET, server.base + "/v1/rules/\(id)", token: server.tokens[.viewer])
            let why = try #require(answer.json["why"] as? [String: Any])
            #expect(why["made_by"] as? String == "detection" && why["hits"] as? Int == 0)
            #expect(!answer.text.contains(Self.automatic.description))
        }
    }

    @Test("in the console: approve takes a block out of the queue, a new expiry is stored, the forms need the CSRF token")
    func inTheConsole() async throws {
        try await PeopleServer.with { server in
            let first = try Self.addAutomatic(server, Self.automatic)
            let other = try Self.addAutomatic(server, Self.second)
            let (cookie, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.ops]))
            let page = try await HTTP.send(.GET, server.base + "/ui/review", cookie: cookie)
            #expect(page.text.contains("action=\"/ui/review/\(first)/approve\"") && page.text.contains("action=\"/ui/review/\(other)/expiry\""))
            let csrf = try ConsolePagesTests.csrf(page.text)
            let noToken = try await HTTP.send(
                .POST, server.base + "/ui/review/\(first)/approve", body: HTTP.form([("csrf", "00")]), contentType: ConsolePagesTests.form, cookie: cookie)
            #expect(noToken.status == 403)
            let approved = try await HTTP.send(
                .POST, server.base + "/ui/review/\(first)/approve", body: HTTP.form([("csrf", csrf)]), contentType: ConsolePagesTests.form, cookie: cookie)
            #expect(approved.status == 303 && approved.headers["Location"].first == "/ui/review")
            let changed = try await HTTP.send(
                .POST, server.base + "/ui/review/\(other)/expiry", body: HTTP.form([("csrf", csrf), ("expires", "never"), ("reason", "keeps calling")]),
                contentType: ConsolePagesTests.form, cookie: cookie)
            #expect(changed.status == 303)
            let rules = try server.store.rules(activeAt: PeopleServer.now, includeExpired: false)
            #expect(rules.first { $0.id == other }?.expiresAt == nil)
            let queue = try await HTTP.send(.GET, server.base + "/ui/review", cookie: cookie)
            #expect(!queue.text.contains("id=\"rule-\(first)\"") && queue.text.contains("id=\"rule-\(other)\""))
            let all = try await HTTP.send(.GET, server.base + "/ui/review?all=1", cookie: cookie)
            #expect(all.text.contains("id=\"rule-\(first)\"") && all.text.contains("class=\"approved\""))
            let (viewer, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.viewer]))
            let refused = try await HTTP.send(
                .POST, server.base + "/ui/review/\(other)/approve", body: HTTP.form([("csrf", csrf)]), contentType: ConsolePagesTests.form, cookie: viewer)
            #expect(refused.status == 403)
        }
    }
}

@Suite("The blocked numbers page: each rule's why, hits and last hit", .serialized)
struct BlockListWhyTests {
    @Test("a rule's hits (calls its decision named) and who made it on /ui/blocks and GET /v1/rules/{id}")
    func hitsAndWhy() async throws {
        try await PeopleServer.with { server in
            let rule = try #require(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).first { $0.action == .block })
            let id = try #require(rule.id)
            var batch = IngestBatch()
            batch.events = [
                CallEvent(
                    time: Timestamp(secondsSinceEpoch: 1_700_000_800), callID: "hit-1", source: .decisionRequest, phase: .started,
                    caller: CallerIdentity(raw: "07700900123", number: PeopleServer.blocked), callee: CalledParty(raw: "1001", key: "1001"),
                    decision: CallDecision(action: .block, ruleID: id, reason: "threatened reception"))
            ]
            try server.store.commit(batch)
            let (cookie, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.viewer]))
            let page = try await HTTP.send(.GET, server.base + "/ui/blocks", cookie: cookie)
            let row = try #require(ConsoleTests.first(#"<tr id="rule-\#(id)">(.*?)</tr>"#, in: page.text))
            #expect(row.contains("<td class=\"hits\">1</td>"))
            #expect(row.contains("<td class=\"why\">cli:alice</td>"))
            #expect(row.contains("2023-11-15 00:26:40 +02:00"))  // the last hit, in the deployment's zone
            let json = try await HTTP.send(.GET, server.base + "/v1/rules/\(id)", token: server.tokens[.viewer])
            let why = try #require(json.json["why"] as? [String: Any])
            #expect(why["hits"] as? Int == 1 && why["last_hit"] as? String == Timestamp(secondsSinceEpoch: 1_700_000_800).rfc3339)
            #expect(why["made_by"] as? String == "cli:alice" && why["origin"] as? String == "manual")
        }
    }
}

@Suite("The prevention page: whether blocks stopped the calls", .serialized)
struct BlockEffectTests {
    @Test("calls from a blocked number while blocked, per week: stopped by a decision or got through; earlier calls are not counted")
    func stoppedOrThrough() async throws {
        try await PeopleServer.with { server in
            let caller = CallerIdentity(raw: "07700900123", number: PeopleServer.blocked)
            let callee = CalledParty(raw: "1001", key: "1001")
            let rule = try #require(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).first { $0.action == .block })
            var batch = IngestBatch()
            batch.events = [
                CallEvent(  // before the block: not counted
                    time: Timestamp(secondsSinceEpoch: 1_700_000_800), callID: "before", source: .asteriskCSV, phase: .ended,
                    disposition: .answered, callStart: Timestamp(secondsSinceEpoch: 1_700_000_700), caller: caller, callee: callee),
                CallEvent(
                    time: Timestamp(secondsSinceEpoch: 1_700_001_000), callID: "stopped", source: .decisionRequest, phase: .started,
                    caller: caller, callee: callee, decision: CallDecision(action: .block, ruleID: rule.id, reason: "blocked")),
                CallEvent(
                    time: Timestamp(secondsSinceEpoch: 1_700_001_200), callID: "through", source: .asteriskCSV, phase: .ended,
                    disposition: .answered, callStart: Timestamp(secondsSinceEpoch: 1_700_001_100), caller: caller, callee: callee),
            ]
            try server.store.commit(batch)
            let (cookie, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.viewer]))
            let csv = try await HTTP.send(.GET, server.base + "/ui/prevention.csv?table=blocks", cookie: cookie)
            #expect(csv.status == 200)
            #expect(csv.text == "week,stopped,got through\r\n2023-11-13,1,1\r\n")  // Wednesday 15 November in Helsinki
            let page = try await HTTP.send(.GET, server.base + "/ui/prevention", cookie: cookie)
            #expect(page.text.contains("<table id=\"blocks\">") && page.text.contains("<td>2023-11-13</td><td>1</td><td>1</td>"))
        }
    }
}

@Suite("The prevention page groups extensions as teams where configured", .serialized)
struct PreventionTeamsTests {
    @Test("incidents of extensions in a team count as the team's; others stay extensions")
    func teams() async throws {
        try await PeopleServer.with(teams: ["1001": "Reception", "1002": "Reception"]) { server in
            var batch = IngestBatch()
            batch.events = ["1001", "1002", "2001"].map { key in
                CallEvent(
                    time: Timestamp(secondsSinceEpoch: 1_700_000_660), callID: "call-" + key, source: .asteriskCSV, phase: .ended,
                    disposition: .answered, callStart: Timestamp(secondsSinceEpoch: 1_700_000_600),
                    caller: CallerIdentity(raw: "07700900777", number: E164Number(e164: "+447700900777")!),
                    callee: CalledParty(raw: key, key: key))
            }
            try server.store.commit(batch)
            for key in ["1001", "1002", "2001"] {
                let flagged = try await HTTP.send(
                    .POST, server.base + "/v1/mcid", body: #"{"kind":"threat","call_id":"call-\#(key)"}"#, token: server.tokens[.security])
                #expect(flagged.status == 201)
            }
            let (viewer, _) = try await ConsoleTests.logIn(server, try #require(server.tokens[.viewer]))
            let targets = try await HTTP.send(.GET, server.base + "/ui/prevention.csv?table=targets", cookie: viewer)
            #expect(targets.text.hasPrefix("team or extension,incidents\r\n"))
            #expect(targets.text.contains("Reception,2\r\n") && targets.text.contains("2001,1\r\n"))
            #expect(!targets.text.contains("1001,"))
        }
    }
}
