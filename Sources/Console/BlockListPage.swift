import CallModel
import CallwardenPorts
import PeopleAPI

/// `/ui/blocks`: the rules that stop or divert calls, one row each, with each rule's "why" (the
/// detections that made it, or the person), its hits and last hit (for the first
/// ``ReviewQueuePage/maximumRows`` rules: each costs one store read; later rows show `–`).
enum BlockListPage {
    static func render(_ rules: [Rule], details: [Int64: RuleDetail], view: ConsoleView) -> String {
        var body = "<p>" + view.text(.rulesInForce, String(rules.count))
        if !view.caller.may(.seeNumbers) { body += " " + view.text(.numbersMasked, view.caller.role.rawValue) }
        body += "</p>\n"
        if !rules.isEmpty { body += table(rules, view: view, details: details) }
        return view.page(title: Phrase.blockedNumbers.text(view.language), body: body)
    }

    /// The rules' table with what made each rule and its hits (from `details`); `reviewing` (the
    /// review queue) adds the approve and expiry forms and `reviews`.
    static func table(
        _ rules: [Rule], view: ConsoleView, details: [Int64: RuleDetail], reviews: [Int64: RuleReview] = [:], reviewing: Bool = false
    ) -> String {
        let mayChange = view.caller.may(.manageRules)
        var html = "<table id=\"rules\"><tr><th>" + view.text(.number) + "</th><th>" + view.text(.action) + "</th><th>"
            + view.text(.toExtension) + "</th><th>" + view.text(.reason) + "</th><th>" + view.text(.by) + "</th><th>"
            + view.text(.since) + "</th><th>" + view.text(.until) + "</th>"
        html += "<th>" + view.text(.detections) + "</th><th>" + view.text(.hits) + "</th><th>" + view.text(.lastHit) + "</th>"
        if mayChange { html += "<th>" + view.text(.change) + "</th>" }
        html += "</tr>\n"
        for rule in rules {
            let number: String
            switch rule.match {
            case .number(let e164): number = view.number(e164)
            case .prefix, .unidentified: number = ConsoleHTML.escape(rule.match.text)
            }
            var action = ConsoleHTML.escape(rule.action.name)
            if let target = rule.action.redirectTarget { action += " → " + view.numberText(target) }
            let id = rule.id ?? 0
            html += "<tr id=\"rule-\(id)\"><td class=\"number\">" + number + "</td><td>" + action + "</td><td>"
                + (rule.scope.map(ConsoleHTML.escape) ?? view.text(.everyone)) + "</td><td>" + ConsoleHTML.escape(rule.reason) + "</td><td>"
                + ConsoleHTML.escape(rule.createdBy) + "</td><td>" + view.when(rule.createdAt) + "</td><td>" + view.when(rule.expiresAt) + "</td>"
            let detail = details[id]
            let why = (detail?.detections ?? []).map { detection in
                view.text(
                    .madeByDetection, detection.kind.rawValue, String(detection.calls), detection.target,
                    view.time.show(detection.first), view.time.show(detection.last))
            }
            var whyText = why.isEmpty ? (detail == nil ? "–" : ConsoleHTML.escape(rule.createdBy)) : why.joined(separator: "<br>")
            for incident in detail?.incidents ?? [] {
                whyText += "<br>" + view.text(.incidentOfRule, String(incident.id), incident.kind, incident.status)
            }
            if let review = reviews[id] {
                whyText += "<br><span class=\"approved\">" + view.text(.approvedBy, review.reviewedBy, view.time.show(review.reviewedAt)) + "</span>"
            }
            html += "<td class=\"why\">" + whyText + "</td><td class=\"hits\">" + (detail.map { String($0.hits) } ?? "–") + "</td><td>"
                + (detail?.lastHit.map { view.when($0) } ?? "–") + "</td>"
            if mayChange {
                html += "<td><form class=\"inline\" method=\"post\" action=\"/ui/blocks/\(id)/remove\">" + view.csrfField
                    + (reviewing ? "<input type=\"hidden\" name=\"back\" value=\"/ui/review\">" : "")
                    + "<input type=\"text\" name=\"reason\" placeholder=\"" + view.text(.why) + "\" aria-label=\"" + view.text(.why) + "\"> "
                    + "<button type=\"submit\" class=\"unblock\">" + view.text(reviewing ? .reject : .unblock) + "</button>"
                if case .number = rule.match, rule.action == .block {
                    html += " <button type=\"submit\" class=\"false-positive\" name=\"false_positive\" value=\"1\">"
                        + view.text(.falsePositive) + "</button>"
                }
                html += "</form>"
                if reviewing { html += reviewForms(id, view: view) }
                html += "</td>"
            }
            html += "</tr>\n"
        }
        return html + "</table>\n"
    }
}

/// The review queue's approve and change-expiry forms for rule `id`.
private func reviewForms(_ id: Int64, view: ConsoleView) -> String {
    "<form class=\"inline\" method=\"post\" action=\"/ui/review/\(id)/approve\">" + view.csrfField
        + "<button type=\"submit\" class=\"approve\">" + view.text(.approve) + "</button></form> "
        + "<form class=\"inline\" method=\"post\" action=\"/ui/review/\(id)/expiry\">" + view.csrfField
        + "<input type=\"text\" name=\"expires\" size=\"6\" placeholder=\"7d\" aria-label=\"" + view.text(.newExpiry) + "\" title=\""
        + view.text(.newExpiry) + "\"> <input type=\"text\" name=\"reason\" placeholder=\"" + view.text(.why) + "\" aria-label=\""
        + view.text(.why) + "\"> <button type=\"submit\" class=\"expiry\">" + view.text(.changeExpiry) + "</button></form>"
}

/// `/ui/review`: the blocks a detection made on its own, with what made each (detection, calls,
/// window) and how many calls it has stopped since, for ops to approve (kept, recorded as reviewed),
/// reject (removed, as an unblock), mark a false positive, or give a new expiry. Approved blocks
/// leave the queue (`?all=1` shows them with who approved them).
enum ReviewQueuePage {
    /// At most this many rules are shown, newest first (each costs one store read for its "why").
    static let maximumRows = 200

    static func render(_ rules: [Rule], details: [Int64: RuleDetail], reviews: [Int64: RuleReview], view: ConsoleView) -> String {
        var body = "<p>" + view.text(.reviewIntro) + "</p>\n"
        if rules.isEmpty {
            body += "<p id=\"empty\">" + view.text(.nothingToReview) + "</p>\n"
        } else {
            body += BlockListPage.table(rules, view: view, details: details, reviews: reviews, reviewing: true)
        }
        return view.page(title: Phrase.reviewQueue.text(view.language), body: body)
    }
}
