import CallModel
import CallwardenPorts
import Foundation
import SQLiteStore
import HTTPTypes
import NIOHTTP1
import PeopleAPI
import Testing

@Suite("Rules and redirects over the people's API", .serialized)
struct RuleEndpointTests {
    @Test("a viewer reads rules with numbers masked; ops see them whole")
    func maskedForViewers() async throws {
        try await PeopleServer.with { server in
            let viewer = try await HTTP.send(.GET, server.base + "/v1/rules", token: server.tokens[.viewer])
            let rules = try #require(viewer.json["rules"] as? [[String: Any]])
            #expect(rules.map { $0["match"] as? String } == [PeopleServer.blocked.masked])
            #expect(!viewer.text.contains(PeopleServer.blocked.description))
            let ops = try await HTTP.send(.GET, server.base + "/v1/rules", token: server.tokens[.ops])
            #expect((ops.json["rules"] as? [[String: Any]])?.first?["match"] as? String == PeopleServer.blocked.description)
            let redirects = try await HTTP.send(.GET, server.base + "/v1/redirects", token: server.tokens[.ops])
            #expect((redirects.json["rules"] as? [[String: Any]])?.first?["to"] as? String == "+442079460999")
        }
    }

    @Test("ops add and remove rules; the reason is required; each change is audited with the token's name")
    func addAndRemove() async throws {
        try await PeopleServer.with { server in
            let ops = try #require(server.tokens[.ops])
            let missing = try await HTTP.send(.POST, server.base + "/v1/rules", body: #"{"match":"07700 900789"}"#, token: ops)
            #expect(missing.status == 400 && missing.json["error"] as? String == "reason")
            let badMatch = try await HTTP.send(.POST, server.base + "/v1/rules", body: #"{"match":"call me","reason":"x"}"#, token: ops)
            #expect(badMatch.json["error"] as? String == "match")
            let added = try await HTTP.send(
                .POST, server.base + "/v1/rules", body: #"{"match":"07700 900789","reason":"abusive","expires":"7d","scope":"1001"}"#, token: ops)
            #expect(added.status == 201)
            #expect(added.json["match"] as? String == "+447700900789")
            let id = try #require(added.json["id"] as? Int)
            #expect(try await HTTP.send(.GET, server.base + "/v1/rules/\(id)", token: server.tokens[.viewer]).status == 200)
            #expect(try await HTTP.send(.GET, server.base + "/v1/redirects/\(id)", token: ops).status == 404)
            let noReason = try await HTTP.send(.DELETE, server.base + "/v1/rules/\(id)", token: ops)
            #expect(noReason.status == 400 && noReason.json["error"] as? String == "reason")
            let badFlag = try await HTTP.send(.DELETE, server.base + "/v1/rules/\(id)?reason=x&false_positive=maybe", token: ops)
            #expect(badFlag.status == 400 && badFlag.json["error"] as? String == "false_positive")
            #expect(try await HTTP.send(.DELETE, server.base + "/v1/rules/\(id)?reason=agreed%20with%20caller", token: ops).status == 200)
            #expect(try await HTTP.send(.GET, server.base + "/v1/rules/\(id)", token: ops).status == 404)
            let audit = try server.store.auditLog(since: nil, limit: 10)
            #expect(audit.first?.action == "rule.remove" && audit.first?.actor == "token:ops")
            #expect(audit.first?.detail.hasSuffix("agreed with caller") == true)
            #expect(audit.dropFirst().first?.action == "rule.add" && audit.dropFirst().first?.actor == "token:ops")
        }
    }

    @Test("a false positive over the API: removed into history, the number allowed, escalation reset, audited as the token")
    func falsePositive() async throws {
        try await PeopleServer.with { server in
            let ops = try #require(server.tokens[.ops])
            let id = try #require(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).first { $0.action == .block }?.id)
            let viewer = try await HTTP.send(
                .DELETE, server.base + "/v1/rules/\(id)", body: #"{"reason":"x","false_positive":true}"#, token: server.tokens[.viewer])
            #expect(viewer.status == 403)
            let claimed = try await HTTP.send(
                .DELETE, server.base + "/v1/rules/\(id)", body: #"{"reason":"x","false_positive":true,"by":"boss"}"#, token: ops)
            #expect(claimed.status == 400 && claimed.json["error"] as? String == "by")
            let answer = try await HTTP.send(
                .DELETE, server.base + "/v1/rules/\(id)", body: #"{"reason":"the caller was our tenant","false_positive":true}"#, token: ops)
            #expect(answer.status == 200)
            #expect(answer.json["removed"] as? Int == Int(id) && answer.json["false_positive"] as? Bool == true)
            #expect(answer.json["escalation_reset"] as? Bool == true)
            let allow = try #require(answer.json["allow_rule"] as? [String: Any])
            #expect(allow["action"] as? String == "allow" && allow["match"] as? String == PeopleServer.blocked.description)
            let rules = try server.store.rules(activeAt: PeopleServer.now, includeExpired: false)
            #expect(!rules.contains { $0.id == id })
            #expect(rules.contains { $0.action == .allow && $0.match == .number(PeopleServer.blocked) })
            let history = try server.store.removedRules(limit: 10)
            #expect(history.first?.rule.id == id && history.first?.falsePositive == true && history.first?.removedBy == "token:ops")
            let audit = try server.store.auditLog(since: nil, limit: 20)
            #expect(audit.contains { $0.action == "rule.remove.false-positive" && $0.actor == "token:ops" })
            #expect(audit.contains { $0.action == "escalation.reset" && $0.actor == "token:ops" })
            #expect(!audit.contains { $0.actor.contains("boss") })

            // A prefix names no single number to allow: refused, nothing removed.
            let prefix = try server.store.addRule(
                Rule(match: .prefix("4411349"), action: .block, reason: "range", createdBy: "cli:x", createdAt: PeopleServer.now), actor: "cli:x")
            let refused = try await HTTP.send(
                .DELETE, server.base + "/v1/rules/\(prefix.id ?? 0)?reason=x&false_positive=true", token: ops)
            #expect(refused.status == 409 && refused.json["error"] as? String == "false_positive")
            #expect(try server.store.rules(activeAt: PeopleServer.now, includeExpired: false).contains { $0.id == prefix.id })
        }
    }

    @Test("a redirect goes to the crisis line unless told otherwise; pages carry next_offset")
    func redirectsAndPages() async throws {
        try await PeopleServer.with { server in
            let ops = try #require(server.tokens[.ops])
            let added = try await HTTP.send(.POST, server.base + "/v1/redirects", body: #"{"match":"unidentified","reason":"night"}"#, token: ops)
            #expect(added.status == 201 && added.json["to"] as? String == "+442079460999")
            let page = try await HTTP.send(.GET, server.base + "/v1/redirects?limit=1", token: ops)
            #expect((page.json["rules"] as? [[String: Any]])?.count == 1)
            #expect(page.json["next_offset"] as? Int == 1)
            let rest = try await HTTP.send(.GET, server.base + "/v1/redirects?limit=1&offset=1", token: ops)
            #expect(rest.json["next_offset"] == nil)
            #expect(try await HTTP.send(.GET, server.base + "/v1/redirects?limit=0", token: ops).json["error"] as? String == "limit")
        }
    }
}
