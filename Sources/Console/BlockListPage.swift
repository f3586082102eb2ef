import CallModel
import CallwardenPorts
import PeopleAPI

/// `/ui/blocks`: the rules that stop or divert calls, one row each.
enum BlockListPage {
    static func render(_ rules: [Rule], view: ConsoleView) -> String {
        var body = "<p>" + view.text(.rulesInForce, String(rules.count))
        if !view.caller.may(.seeNumbers) { body += " " + view.text(.numbersMasked, view.caller.role.rawValue) }
        body += "</p>\n"
        if !rules.isEmpty { body += table(rules, view: view, details: nil) }
        return view.page(title: Phrase.blockedNumbers.text(view.language), body: body)
    }

    /// The rules' table; `details` (the review queue) adds what made each rule and its hits.
    static func table(_ rules: [Rule], view: ConsoleView, details: [Int64: RuleDetail]?) -> String {
        let mayChange = view.caller.may(.manageRules)
        var html = "<table id=\"rules\"><tr><th>" + view.text(.number) + "</th><th>" + view.text(.action) + "</th><th>"
            + view.text(.toExtension) + "</th><th>" + view.text(.reason) + "</th><th>" + view.text(.by) + "</th><th>"
            + view.text(.since) + "</th><th>" + view.text(.until) + "</th>"
        if details != nil { html += "<th>" + view.text(.detections) + "</th><th>" + view.text(.hits) + "</th><th>" + view.text(.lastHit) + "</th>" }
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
            if let details {
                let detail = details[id]
                let why = (detail?.detections ?? []).map { detection in
                    view.text(
                        .madeByDetection, detection.kind.rawValue, String(detection.calls), detection.target,
                        view.time.show(detection.first), view.time.show(detection.last))
                }
                html += "<td class=\"why\">" + why.joined(separator: "<br>") + "</td><td>" + String(detail?.hits ?? 0) + "</td><td>"
                    + (detail?.lastHit.map { view.when($0) } ?? "–") + "</td>"
            }
            if mayChange {
                html += "<td><form class=\"inline\" method=\"post\" action=\"/ui/blocks/\(id)/remove\">" + view.csrfField
                    + (details != nil ? "<input type=\"hidden\" name=\"back\" value=\"/ui/review\">" : "")
                    + "<input type=\"text\" name=\"reason\" placeholder=\"" + view.text(.why) + "\" aria-label=\"" + view.text(.why) + "\"> "
                    + "<button type=\"submit\" class=\"unblock\">" + view.text(.unblock) + "</button>"
                if case .number = rule.match, rule.action == .block {
                    html += " <button type=\"submit\" class=\"false-positive\" name=\"false_positive\" value=\"1\">"
                        + view.text(.falsePositive) + "</button>"
                }
                html += "</form></td>"
            }
            html += "</tr>\n"
        }
        return html + "</table>\n"
    }
}

/// `/ui/review`: the blocks a detection made on its own, with what made each (detection, calls,
/// window) and how many calls it has stopped since, for ops to confirm or correct.
///
/// Deliberately not handled: an approved/rejected state of its own and changing a rule's expiry
/// here (the store has no such columns; correcting is unblocking or marking a false positive).
enum ReviewQueuePage {
    /// At most this many rules are shown, newest first (each costs one store read for its "why").
    static let maximumRows = 200

    static func render(_ rules: [Rule], details: [Int64: RuleDetail], view: ConsoleView) -> String {
        var body = "<p>" + view.text(.reviewIntro) + "</p>\n"
        if rules.isEmpty {
            body += "<p id=\"empty\">" + view.text(.nothingToReview) + "</p>\n"
        } else {
            body += BlockListPage.table(rules, view: view, details: details)
        }
        return view.page(title: Phrase.reviewQueue.text(view.language), body: body)
    }
}
