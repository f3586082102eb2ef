import CallModel
import CallwardenPorts
import PeopleAPI

/// `/ui/blocks`: the rules that stop or divert calls, one row each.
enum BlockListPage {
    static func render(_ rules: [Rule], caller: AuthenticatedCaller, plan: NumberPlan) -> String {
        let escape = ConsoleHTML.escape
        let mayRemove = caller.may(.manageRules)
        var body = "<p>\(rules.count) rule(s) in force."
        if !caller.may(.seeNumbers) { body += " Numbers are masked for the \(escape(caller.role.rawValue)) role." }
        body += "</p>\n"
        guard !rules.isEmpty else {
            return ConsoleHTML.page(title: "Blocked numbers", signedInAs: caller.name, csrf: caller.sessionCSRF, body: body)
        }
        body += "<table id=\"rules\"><tr><th>Number</th><th>Action</th><th>To extension</th><th>Reason</th><th>By</th><th>Since</th><th>Until</th>"
        if mayRemove { body += "<th>Unblock</th>" }
        body += "</tr>\n"
        for rule in rules {
            let number: String
            switch rule.match {
            case .number(let e164): number = caller.may(.seeNumbers) ? plan.nationalFormat(e164) : e164.masked
            case .prefix, .unidentified: number = rule.match.text
            }
            var action = rule.action.name
            if let target = rule.action.redirectTarget { action += " to " + (E164Number(e164: target).map(plan.nationalFormat) ?? target) }
            let id = rule.id ?? 0
            body += "<tr id=\"rule-\(id)\"><td class=\"number\">" + escape(number) + "</td><td>" + escape(action) + "</td><td>"
                + escape(rule.scope ?? "all") + "</td><td>" + escape(rule.reason) + "</td><td>" + escape(rule.createdBy) + "</td><td>"
                + escape(rule.createdAt.rfc3339) + "</td><td>" + escape(rule.expiresAt?.rfc3339 ?? "never") + "</td>"
            if mayRemove {
                body += "<td><form class=\"inline\" method=\"post\" action=\"/ui/blocks/\(id)/remove\">"
                if let csrf = caller.sessionCSRF { body += "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf) + "\">" }
                body += "<input type=\"text\" name=\"reason\" placeholder=\"why\" aria-label=\"why\"> "
                    + "<button type=\"submit\" class=\"unblock\">Unblock</button></form></td>"
            }
            body += "</tr>\n"
        }
        body += "</table>\n"
        return ConsoleHTML.page(title: "Blocked numbers", signedInAs: caller.name, csrf: caller.sessionCSRF, body: body)
    }
}
