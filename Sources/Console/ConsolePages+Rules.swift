import CallModel
import CallwardenPorts
import Hummingbird
import IncidentAPI
import PeopleAPI

extension ConsolePages {
    /// `/ui/blocks`, its remove form (plain or false positive), and `/ui/review`.
    var ruleEndpoints: [PeopleEndpoint] {
        [
            PeopleEndpoint(.get, "/ui/blocks", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .readRules, form: false) { view, _ in
                    let now = clock.now()
                    let rules = try work.perform { try store.rules(activeAt: now, includeExpired: false) }.filter { $0.action != .allow }
                    var details: [Int64: RuleDetail] = [:]
                    for rule in rules.prefix(ReviewQueuePage.maximumRows) {
                        guard let id = rule.id else { continue }
                        details[id] = try work.perform { try store.ruleDetails(.id(id)).first }
                    }
                    return ConsoleHTML.response(.ok, BlockListPage.render(rules, details: details, view: view))
                }
            },
            PeopleEndpoint(.post, "/ui/blocks/{id}/remove", .open) { request, context, id, _ in
                await withCaller(request, context, needs: .manageRules, form: true) { view, body in
                    guard let id = id.flatMap(Int64.init), id > 0 else { throw APIProblem(status: 400, field: "id", message: "must be a rule id") }
                    let falsePositive = try body.bool("false_positive")
                    let reason = try Self.line(body, "reason") ?? (falsePositive ? "false positive (console)" : "unblocked in the console")
                    _ = try RuleEndpoints.remove(
                        RuleRemoval(selector: .id(id), actor: view.caller.actor, reason: reason, falsePositive: falsePositive, time: clock.now()),
                        store: store, work: work)
                    let back = body.referrerPath == "/ui/review" ? "/ui/review" : "/ui/blocks"
                    return ConsoleHTML.redirect(back)
                }
            },
            PeopleEndpoint(.get, "/ui/review", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .manageRules, form: false) { view, _ in
                    let now = clock.now()
                    let all = request.uri.queryParameters["all"].map { $0 == "1" || $0 == "true" } ?? false
                    let automatic = try work.perform { try store.rules(activeAt: now, includeExpired: false) }
                        .filter { $0.origin == .detection && $0.action != .allow }
                    let reviews = try work.perform { try store.ruleReviews(automatic.compactMap(\.id)) }
                    let rules = automatic.filter { all || reviews[$0.id ?? 0] == nil }
                        .sorted { $0.createdAt > $1.createdAt }
                        .prefix(ReviewQueuePage.maximumRows)
                    var details: [Int64: RuleDetail] = [:]
                    for rule in rules {
                        guard let id = rule.id else { continue }
                        details[id] = try work.perform { try store.ruleDetails(.id(id)).first }
                    }
                    return ConsoleHTML.response(.ok, ReviewQueuePage.render(Array(rules), details: details, reviews: reviews, view: view))
                }
            },
            PeopleEndpoint(.post, "/ui/review/{id}/approve", .open) { request, context, id, _ in
                await withCaller(request, context, needs: .manageRules, form: true) { view, body in
                    let id = try ReviewEndpoints.id(id)
                    let reason = try Self.line(body, "reason") ?? ""
                    _ = try ReviewEndpoints.perform(work) { try store.approveRule(id, actor: view.caller.actor, reason: reason, time: clock.now()) }
                    return ConsoleHTML.redirect("/ui/review")
                }
            },
            PeopleEndpoint(.post, "/ui/review/{id}/expiry", .open) { request, context, id, _ in
                await withCaller(request, context, needs: .manageRules, form: true) { view, body in
                    let id = try ReviewEndpoints.id(id)
                    let now = clock.now()
                    let text = try Self.line(body, "expires", maximum: 16) ?? ""
                    var expires: Timestamp?
                    if text != "never" {
                        guard let span = TimeSpan(parsing: text), span.microseconds > 0 else {
                            throw APIProblem(status: 400, field: "expires", message: Phrase.newExpiry.text(view.language))
                        }
                        expires = now + span
                    }
                    let reason = try Self.line(body, "reason") ?? "expiry changed in the review queue"
                    _ = try ReviewEndpoints.perform(work) {
                        try store.changeRuleExpiry(id, to: expires, actor: view.caller.actor, reason: reason, time: now)
                    }
                    return ConsoleHTML.redirect("/ui/review")
                }
            },
        ]
    }
}

extension APIRequestBody {
    /// The form's `back` field when it names a console page (`/ui/review`); nil otherwise.
    var referrerPath: String? {
        guard let back = try? string("back"), back == "/ui/review" || back == "/ui/blocks" else { return nil }
        return back
    }
}
