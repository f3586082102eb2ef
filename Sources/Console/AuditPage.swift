import CallModel
import CallwardenPorts

/// `/ui/audit` (admin): the audit log, newest first — every change and every view of sensitive
/// data, with the token (or CLI user) that did it. Actors, subjects and details include text people
/// and callers wrote (reasons, notes): escaped like everything else.
enum AuditPage {
    static let maximumRows = 500

    static func render(_ entries: [AuditEntry], since: Timestamp, view: ConsoleView) -> String {
        var body = "<p>" + view.text(.entriesSince, view.time.show(since), String(maximumRows)) + "</p>\n"
        if entries.isEmpty {
            body += "<p id=\"empty\">" + view.text(.noEntries) + "</p>\n"
        } else {
            body += "<table id=\"audit\"><tr><th>" + view.text(.time) + "</th><th>" + view.text(.by) + "</th><th>" + view.text(.action)
                + "</th><th>" + view.text(.subject) + "</th><th>" + view.text(.detail) + "</th></tr>\n"
            for entry in entries {
                body += "<tr><td>" + view.when(entry.time) + "</td><td>" + ConsoleHTML.escape(entry.actor) + "</td><td>"
                    + ConsoleHTML.escape(entry.action) + "</td><td>" + ConsoleHTML.escape(entry.subject) + "</td><td>"
                    + ConsoleHTML.escape(entry.detail) + "</td></tr>\n"
            }
            body += "</table>\n"
        }
        return view.page(title: Phrase.auditLog.text(view.language), body: body)
    }
}
