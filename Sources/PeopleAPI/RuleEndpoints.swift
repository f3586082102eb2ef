package import CallModel
package import CallwardenPorts
import Hummingbird
package import IncidentAPI

/// The rule endpoints, for block/allow/flag rules (`/v1/rules`) and redirects (`/v1/redirects`):
///
/// - `GET /v1/rules?all=false&limit=100&offset=0`: rules in force (`all`: expired ones too), oldest
///   first, with `next_offset` while there are more. Readers without ``Permission/seeNumbers`` get
///   numbers masked.
/// - `POST /v1/rules`: `match` (a number in any form, a prefix ending in `*`, or `unidentified`),
///   `action` (block [default], allow, flag), `reason` (required), `scope`, `expires` (a duration:
///   `24h`, `7d`), `schedule` (`mon-fri 18:00-08:00`). 201 with the rule.
/// - `GET /v1/rules/{id}` (with its `why`: who or which detections made it, its incidents, hits
///   and last hit), `DELETE /v1/rules/{id}` (`reason` required, in the body or the query;
///   `false_positive=true`: the block was wrong, so, in the same store transaction as the removal,
///   the number goes on the allow list, its escalation is reset and its open incidents are closed
///   as false positives, as `callwarden blocks remove --false-positive` does).
/// - The same under `/v1/redirects`, with `to` (default `response.crisis_line`) instead of `action`.
///
/// Every change is audited by the store with the token's name as the actor (`token:<name>`), never
/// a client-supplied field. Deliberately not handled yet: a removed rule's history over JSON (`callwarden blocks show`).
package struct RuleEndpoints: Sendable {
    package var store: any RuleCorrectionStore
    package var plan: NumberPlan
    /// Where a redirect goes when the request names no `to`.
    package var crisisLine: String?
    package var clock: WallClock
    package var work: EndpointWork

    package init(store: any RuleCorrectionStore, plan: NumberPlan, crisisLine: String?, clock: WallClock, work: EndpointWork) {
        self.store = store
        self.plan = plan
        self.crisisLine = crisisLine
        self.clock = clock
        self.work = work
    }

    package var endpoints: [PeopleEndpoint] {
        [false, true].flatMap { redirects -> [PeopleEndpoint] in
            let base = redirects ? "/v1/redirects" : "/v1/rules"
            return [
                PeopleEndpoint(.get, base, .token(.readRules)) { request, _, _, caller in
                    await work.json(request, readsBody: false) { _ in try list(request.uri.queryParameters, redirects: redirects, caller!) }
                },
                PeopleEndpoint(.post, base, .token(.manageRules)) { request, _, _, caller in
                    await work.json(request) { try add($0, redirects: redirects, caller!) }
                },
                PeopleEndpoint(.get, base + "/{id}", .token(.readRules)) { request, _, id, caller in
                    await work.json(request, readsBody: false) { _ in
                        let rule = try find(id, redirects: redirects)
                        var json = Self.json(rule, caller!)
                        if let detail = try work.perform({ try store.ruleDetails(.id(rule.id ?? 0)).first }) {
                            json["why"] = ReviewEndpoints.why(detail, caller!)
                        }
                        return (200, json)
                    }
                },
                PeopleEndpoint(.delete, base + "/{id}", .token(.manageRules)) { request, _, id, caller in
                    await work.json(request) { try remove(id, $0, query: request.uri.queryParameters, redirects: redirects, caller!) }
                },
            ]
        }
    }

    private func list(_ query: Parameters, redirects: Bool, _ caller: AuthenticatedCaller) throws(APIProblem) -> (Int, [String: Any]) {
        let all = try QueryValues.bool(query, "all")
        let limit = try QueryValues.int(query, "limit", default: 100, range: 1...1_000)
        let offset = try QueryValues.int(query, "offset", default: 0, range: 0...Int.max)
        let now = clock.now()
        let rules = try work.perform { try store.rules(activeAt: now, includeExpired: all) }.filter { ($0.action.redirectTarget != nil) == redirects }
        let page = rules.dropFirst(offset).prefix(limit)
        var json: [String: Any] = ["rules": page.map { Self.json($0, caller) }]
        if offset + page.count < rules.count { json["next_offset"] = offset + page.count }
        return (200, json)
    }

    private func find(_ idText: String?, redirects: Bool) throws(APIProblem) -> Rule {
        guard let idText, let id = Int64(idText), id > 0 else {
            throw APIProblem(status: 400, field: "id", message: "must be a positive whole number")
        }
        let now = clock.now()
        let rules = try work.perform { try store.rules(activeAt: now, includeExpired: true) }
        guard let rule = rules.first(where: { $0.id == id }), (rule.action.redirectTarget != nil) == redirects else {
            throw APIProblem(status: 404, field: "id", message: "no \(redirects ? "redirect" : "rule") with id \(id)")
        }
        return rule
    }

    private func add(_ body: APIRequestBody, redirects: Bool, _ caller: AuthenticatedCaller) throws(APIProblem) -> (Int, [String: Any]) {
        if try body.string("by") != nil {
            throw APIProblem(status: 400, field: "by", message: "is not accepted: the actor is the name of the token used")
        }
        let matchText = try body.requiredString("match")
        guard let match = RuleMatch(text: matchText, plan: plan) else {
            throw APIProblem(status: 400, field: "match", message: "must be a number, a prefix such as +44113496* or unidentified")
        }
        let reason = try Self.line(body.requiredString("reason"), field: "reason", maximum: 500)
        let action: RuleAction
        if redirects {
            guard let target = try body.string("to") ?? crisisLine else {
                throw APIProblem(status: 400, field: "to", message: "is required (the configuration has no response.crisis_line)")
            }
            guard let number = plan.normalise(target).e164 else { throw APIProblem(status: 400, field: "to", message: "is not a phone number") }
            action = .redirect(to: number.description)
        } else {
            switch try body.string("action") ?? "block" {
            case "block": action = .block
            case "allow": action = .allow
            case "flag": action = .flag
            default: throw APIProblem(status: 400, field: "action", message: "must be block, allow or flag (redirects: /v1/redirects)")
            }
        }
        var scope: String?
        if let text = try body.string("scope") { scope = try Self.line(text, field: "scope", maximum: 64) }
        var expires: TimeSpan?
        if let text = try body.string("expires") {
            guard let span = TimeSpan(parsing: text), span.microseconds > 0 else {
                throw APIProblem(status: 400, field: "expires", message: "must be a duration such as 12h or 7d")
            }
            expires = span
        }
        var schedule: RuleSchedule?
        if let text = try body.string("schedule") {
            do {
                schedule = try RuleSchedule(parsing: text)
            } catch {
                throw APIProblem(status: 400, field: "schedule", message: error.reason)
            }
        }
        let now = clock.now()
        let rule = Rule(
            match: match, scope: scope, action: action, reason: reason, createdBy: caller.actor, createdAt: now,
            expiresAt: expires.map { now + $0 }, origin: .manual, schedule: schedule)
        let stored = try work.perform { try store.addRule(rule, actor: caller.actor) }
        return (201, Self.json(stored, caller))
    }

    private func remove(
        _ idText: String?, _ body: APIRequestBody, query: Parameters, redirects: Bool, _ caller: AuthenticatedCaller
    ) throws(APIProblem) -> (Int, [String: Any]) {
        let rule = try find(idText, redirects: redirects)
        if try body.string("by") != nil || query["by"] != nil {
            throw APIProblem(status: 400, field: "by", message: "is not accepted: the actor is the name of the token used")
        }
        let falsePositive = try Self.falsePositive(body, query: query)
        if falsePositive && redirects {
            throw APIProblem(status: 400, field: "false_positive", message: "applies to blocks (/v1/rules), not redirects")
        }
        let given = try body.string("reason") ?? query["reason"].map(String.init)
        guard let given, !given.isEmpty else { throw APIProblem(status: 400, field: "reason", message: "is required") }
        let reason = try Self.line(given, field: "reason", maximum: 500)
        let id = rule.id ?? 0
        let outcome = try Self.remove(
            RuleRemoval(selector: .id(id), actor: caller.actor, reason: reason, falsePositive: falsePositive, time: clock.now()),
            store: store, work: work)
        var json: [String: Any] = ["removed": id]
        if falsePositive {
            json["false_positive"] = true
            json["escalation_reset"] = outcome.escalationReset
            json["closed_incidents"] = outcome.closedIncidentIDs
            if let allow = outcome.allowRule { json["allow_rule"] = Self.json(allow, caller) }
        }
        return (200, json)
    }

    /// `false_positive`: true in the body (a boolean or its text) or in the query.
    static func falsePositive(_ body: APIRequestBody, query: Parameters) throws(APIProblem) -> Bool {
        if try body.bool("false_positive") { return true }
        guard let text = query["false_positive"] else { return false }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default: throw APIProblem(status: 400, field: "false_positive", message: "must be true or false")
        }
    }

    /// Removes through the store's correction port (the CLI's `blocks remove`), its refusals as problems.
    package static func remove(_ removal: RuleRemoval, store: any RuleCorrectionStore, work: EndpointWork) throws(APIProblem) -> RuleRemovalOutcome {
        do {
            return try store.removeRules(removal)
        } catch let error as RuleCorrectionError {
            switch error {
            case .notFound: throw APIProblem(status: 404, field: "id", message: error.description)
            case .notANumber: throw APIProblem(status: 409, field: "false_positive", message: error.description)
            case .missing(let field): throw APIProblem(status: 400, field: field, message: "is required")
            }
        } catch {
            throw work.failure(error)
        }
    }

    /// One line of at most `maximum` scalars without control or format characters.
    static func line(_ text: String, field: String, maximum: Int) throws(APIProblem) -> String {
        guard !text.isEmpty, text.unicodeScalars.count <= maximum, !InertText.containsControl(text) else {
            throw APIProblem(status: 400, field: field, message: "must be 1–\(maximum) characters on one line, without control characters")
        }
        return text
    }

    /// A rule as JSON; its number masked for a caller without ``Permission/seeNumbers``.
    package static func json(_ rule: Rule, _ caller: AuthenticatedCaller) -> [String: Any] {
        var match = rule.match.text
        if case .number(let number) = rule.match, !caller.may(.seeNumbers) { match = number.masked }
        var json: [String: Any] = [
            "id": rule.id ?? 0, "match": match, "action": rule.action.name, "reason": rule.reason, "created_by": rule.createdBy,
            "created_at": rule.createdAt.rfc3339, "origin": rule.origin.rawValue,
        ]
        if let target = rule.action.redirectTarget { json["to"] = target }
        if let scope = rule.scope { json["scope"] = scope }
        if let expires = rule.expiresAt { json["expires_at"] = expires.rfc3339 }
        if let schedule = rule.schedule { json["schedule"] = schedule.description }
        return json
    }
}
