package import CallModel
package import CallwardenPorts
import Hummingbird
package import IncidentAPI

/// The review queue of automatic blocks (ops):
///
/// - `GET /v1/review?all=false&limit=100&offset=0`: blocks a detection made that are in force and
///   not yet approved (`all`: approved ones too), newest first, each with its "why" (detections,
///   incidents, hits, last hit) and its review; `next_offset` while there are more.
/// - `POST /v1/review/{id}/approve` (`reason` optional): keep the block, recorded as reviewed by the token.
/// - `POST /v1/review/{id}/reject` (`reason` required, `false_positive`): remove it, as `DELETE /v1/rules/{id}`.
/// - `POST /v1/review/{id}/expiry` (`expires`: a duration from now such as `7d`, or `never`;
///   `reason` required): change its expiry; the audit entry keeps the old one.
///
/// Every change is audited by the store with the token's name as the actor.
package struct ReviewEndpoints: Sendable {
    package var store: any RuleReviewStore
    package var clock: WallClock
    package var work: EndpointWork

    package init(store: any RuleReviewStore, clock: WallClock, work: EndpointWork) {
        self.store = store
        self.clock = clock
        self.work = work
    }

    package var endpoints: [PeopleEndpoint] {
        [
            PeopleEndpoint(.get, "/v1/review", .token(.manageRules)) { request, _, _, caller in
                await work.json(request, readsBody: false) { _ in try queue(request.uri.queryParameters, caller!) }
            },
            PeopleEndpoint(.post, "/v1/review/{id}/approve", .token(.manageRules)) { request, _, id, caller in
                await work.json(request) { body in
                    let id = try Self.id(id)
                    try Self.refuseBy(body)
                    var reason = ""
                    if let text = try body.string("reason"), !text.isEmpty { reason = try RuleEndpoints.line(text, field: "reason", maximum: 500) }
                    let review = try Self.perform(work) { try store.approveRule(id, actor: caller!.actor, reason: reason, time: clock.now()) }
                    return (200, ["approved": id, "reviewed_by": review.reviewedBy, "reviewed_at": review.reviewedAt.rfc3339])
                }
            },
            PeopleEndpoint(.post, "/v1/review/{id}/reject", .token(.manageRules)) { request, _, id, caller in
                await work.json(request) { body in
                    let id = try Self.id(id)
                    try Self.refuseBy(body)
                    let reason = try RuleEndpoints.line(body.requiredString("reason"), field: "reason", maximum: 500)
                    let falsePositive = try body.bool("false_positive")
                    let rule = try Self.automatic(id, store: store, work: work)
                    guard rule.action != .allow else { throw APIProblem(status: 409, field: "id", message: "is an allow entry, not a block") }
                    let outcome = try RuleEndpoints.remove(
                        RuleRemoval(selector: .id(id), actor: caller!.actor, reason: reason, falsePositive: falsePositive, time: clock.now()),
                        store: store, work: work)
                    return (200, ["rejected": id, "false_positive": falsePositive, "closed_incidents": outcome.closedIncidentIDs])
                }
            },
            PeopleEndpoint(.post, "/v1/review/{id}/expiry", .token(.manageRules)) { request, _, id, caller in
                await work.json(request) { body in
                    let id = try Self.id(id)
                    try Self.refuseBy(body)
                    let text = try body.requiredString("expires")
                    let now = clock.now()
                    var expires: Timestamp?
                    if text != "never" {
                        guard let span = TimeSpan(parsing: text), span.microseconds > 0 else {
                            throw APIProblem(status: 400, field: "expires", message: "must be a duration from now such as 12h or 7d, or never")
                        }
                        expires = now + span
                    }
                    let reason = try RuleEndpoints.line(body.requiredString("reason"), field: "reason", maximum: 500)
                    let rule = try Self.perform(work) {
                        try store.changeRuleExpiry(id, to: expires, actor: caller!.actor, reason: reason, time: now)
                    }
                    return (200, RuleEndpoints.json(rule, caller!))
                }
            },
        ]
    }

    private func queue(_ query: Parameters, _ caller: AuthenticatedCaller) throws(APIProblem) -> (Int, [String: Any]) {
        let all = try QueryValues.bool(query, "all")
        let limit = try QueryValues.int(query, "limit", default: 100, range: 1...1_000)
        let offset = try QueryValues.int(query, "offset", default: 0, range: 0...Int.max)
        let now = clock.now()
        let (rules, reviews) = try work.perform { () throws -> ([Rule], [Int64: RuleReview]) in
            let rules = try store.rules(activeAt: now, includeExpired: false).filter { $0.origin == .detection && $0.action != .allow }
            return (rules, try store.ruleReviews(rules.compactMap(\.id)))
        }
        let waiting = rules.filter { all || reviews[$0.id ?? 0] == nil }.sorted { $0.createdAt > $1.createdAt }
        let page = Array(waiting.dropFirst(offset).prefix(limit))
        var items: [[String: Any]] = []
        for rule in page {
            let id = rule.id ?? 0
            var json = RuleEndpoints.json(rule, caller)
            if let detail = try work.perform({ try store.ruleDetails(.id(id)).first }) { json["why"] = Self.why(detail, caller) }
            if let review = reviews[id] {
                json["review"] = ["reviewed_by": review.reviewedBy, "reviewed_at": review.reviewedAt.rfc3339, "reason": review.reason]
            }
            items.append(json)
        }
        var json: [String: Any] = ["rules": items]
        if offset + page.count < waiting.count { json["next_offset"] = offset + page.count }
        return (200, json)
    }

    /// A rule's "why": the person who made it, or the detections whose escalation did (callers
    /// masked without ``Permission/seeNumbers``), its number's incidents, and the calls it decided.
    package static func why(_ detail: RuleDetail, _ caller: AuthenticatedCaller) -> [String: Any] {
        var json: [String: Any] = [
            "made_by": detail.rule.createdBy, "origin": detail.rule.origin.rawValue, "hits": detail.hits,
            "detections": detail.detections.map { ReadEndpoints.json($0, seesNumbers: caller.may(.seeNumbers)) },
            "incidents": detail.incidents.map { incident -> [String: Any] in
                var item: [String: Any] = ["id": incident.id, "kind": incident.kind, "status": incident.status]
                if let outcome = incident.outcome { item["outcome"] = outcome }
                return item
            },
        ]
        if let last = detail.lastHit { json["last_hit"] = last.rfc3339 }
        return json
    }

    package static func id(_ text: String?) throws(APIProblem) -> Int64 {
        guard let text, let id = Int64(text), id > 0 else { throw APIProblem(status: 400, field: "id", message: "must be a positive whole number") }
        return id
    }

    private static func refuseBy(_ body: APIRequestBody) throws(APIProblem) {
        if try body.string("by") != nil {
            throw APIProblem(status: 400, field: "by", message: "is not accepted: the actor is the name of the token used")
        }
    }

    /// The rule `id` in force, made by a detection.
    static func automatic(_ id: Int64, store: any RuleCorrectionStore, work: EndpointWork) throws(APIProblem) -> Rule {
        guard let detail = try work.perform({ try store.ruleDetails(.id(id)).first }), detail.removal == nil else {
            throw APIProblem(status: 404, field: "id", message: "no rule in force with id \(id)")
        }
        guard detail.rule.origin == .detection else {
            throw APIProblem(status: 409, field: "id", message: RuleReviewError.notAutomatic(id).description)
        }
        return detail.rule
    }

    /// Runs a review write, its refusals as problems.
    package static func perform<T>(_ work: EndpointWork, _ body: () throws -> T) throws(APIProblem) -> T {
        do {
            return try body()
        } catch let error as RuleReviewError {
            switch error {
            case .notFound: throw APIProblem(status: 404, field: "id", message: error.description)
            case .notAutomatic: throw APIProblem(status: 409, field: "id", message: error.description)
            case .missing(let field): throw APIProblem(status: 400, field: field, message: "is required")
            }
        } catch {
            throw work.failure(error)
        }
    }
}
