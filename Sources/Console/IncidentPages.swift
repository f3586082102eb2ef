import CallModel
import Incidents
import PeopleAPI

/// `/ui/incidents` and `/ui/incidents/{id}`: the incidents, and one incident with its timeline and
/// the forms that move it (acknowledge, reported to police, close, note).
///
/// The list is for every reader; the caller is masked (`withheld` for a withheld caller, numbers
/// masked) except for security. The detail is security's alone and every view of it is audited
/// before it is sent. Display names and notes are caller- and person-written: escaped like all text.
/// Deliberately not handled here: downloading the evidence bundle (`callwarden evidence export`
/// on the host) and attaching recordings (`POST /v1/recordings`).
enum IncidentPages {
    static func statusText(_ status: IncidentStatus, _ view: ConsoleView) -> String {
        switch status {
        case .open: view.text(.statusOpen)
        case .acknowledged: view.text(.statusAcknowledged)
        case .reported: view.text(.statusReported)
        case .closed: view.text(.statusClosed)
        }
    }

    /// The incident's caller as this reader may see it.
    static func identity(_ incident: Incident, _ view: ConsoleView) -> String {
        guard view.caller.may(.seeWithheldIdentities) else {
            return incident.withheld ? view.text(.withheld) : ConsoleHTML.escape(incident.maskedIdentity)
        }
        return view.numberText(incident.identity) + (incident.withheld ? " (" + view.text(.withheld) + ")" : "")
    }

    static func list(_ incidents: [Incident], view: ConsoleView) -> String {
        let title = Phrase.incidents.text(view.language)
        guard !incidents.isEmpty else { return view.page(title: title, body: "<p id=\"empty\">" + view.text(.noIncidents) + "</p>") }
        let linked = view.caller.may(.handleIncidents)
        var body = "<table id=\"incidents\"><tr><th>#</th><th>" + view.text(.kind) + "</th><th>" + view.text(.severity) + "</th><th>"
            + view.text(.status) + "</th><th>" + view.text(.caller) + "</th><th>" + view.text(.extensionColumn) + "</th><th>"
            + view.text(.opened) + "</th><th>" + view.text(.updated) + "</th><th>" + view.text(.detections) + "</th></tr>\n"
        for incident in incidents {
            let id = linked ? "<a href=\"/ui/incidents/\(incident.id)\">\(incident.id)</a>" : "\(incident.id)"
            body += "<tr id=\"incident-\(incident.id)\"><td>" + id + "</td><td>" + ConsoleHTML.escape(incident.kind.rawValue)
                + "</td><td class=\"sev-\(incident.severity.rawValue)\">" + ConsoleHTML.escape(incident.severity.rawValue) + "</td><td>"
                + statusText(incident.status, view) + "</td><td class=\"number\">" + identity(incident, view) + "</td><td>"
                + view.numberText(incident.target) + "</td><td>" + view.when(incident.openedAt) + "</td><td>" + view.when(incident.updatedAt)
                + "</td><td>\(incident.detectionCount)</td></tr>\n"
        }
        return view.page(title: title, body: body + "</table>\n")
    }

    static func detail(_ timeline: IncidentTimeline, view: ConsoleView, evidence: Bool = false) -> String {
        let incident = timeline.incident
        var body = "<p class=\"meta\">" + view.text(.viewAudited) + "</p>\n"
        if evidence {
            body += "<p><a id=\"evidence\" href=\"/ui/incidents/\(incident.id)/evidence\" download>" + view.text(.downloadEvidence) + "</a></p>\n"
        }
        body += "<table id=\"facts\">"
        let facts: [(Phrase, String)] = [
            (.kind, ConsoleHTML.escape(incident.kind.rawValue)), (.severity, ConsoleHTML.escape(incident.severity.rawValue)),
            (.status, statusText(incident.status, view)), (.caller, identity(incident, view)),
            (.extensionColumn, view.numberText(incident.target)), (.opened, view.when(incident.openedAt)),
            (.updated, view.when(incident.updatedAt)),
        ]
        for (phrase, value) in facts { body += "<tr><th>" + view.text(phrase) + "</th><td>" + value + "</td></tr>" }
        body += "</table>\n"
        if incident.status != .closed { body += forms(incident, view: view) }
        body += "<h2>" + view.text(.timeline) + "</h2>\n<table id=\"timeline\"><tr><th>" + view.text(.time) + "</th><th>"
            + view.text(.what) + "</th></tr>\n"
        for entry in timeline.entries {
            body += "<tr><td>" + view.when(entry.time) + "</td><td>" + describe(entry, view) + "</td></tr>\n"
        }
        body += "</table>\n"
        return view.page(title: view.plainText(.incident, String(incident.id)), body: body)
    }

    /// The next statuses' buttons (forward only) and the note form.
    private static func forms(_ incident: Incident, view: ConsoleView) -> String {
        var html = "<form id=\"status\" method=\"post\" action=\"/ui/incidents/\(incident.id)/status\">" + view.csrfField
            + "<input type=\"text\" name=\"note\" placeholder=\"" + view.text(.policeReference) + "\" aria-label=\""
            + view.text(.policeReference) + "\"> "
        let next: [(IncidentStatus, Phrase)] = [(.acknowledged, .acknowledge), (.reported, .reportToPolice), (.closed, .close)]
        for (status, phrase) in next where status > incident.status {
            html += "<button type=\"submit\" name=\"status\" value=\"\(status.rawValue)\" class=\"status-\(status.rawValue)\">"
                + view.text(phrase) + "</button> "
        }
        html += "</form>\n<form id=\"note\" method=\"post\" action=\"/ui/incidents/\(incident.id)/notes\">" + view.csrfField
            + "<input type=\"text\" name=\"note\" aria-label=\"" + view.text(.note) + "\" required> <button type=\"submit\">"
            + view.text(.addNote) + "</button></form>\n"
        return html
    }

    /// One timeline line, every caller- or person-written part escaped.
    static func describe(_ entry: TimelineEntry, _ view: ConsoleView) -> String {
        let escape = ConsoleHTML.escape
        switch entry {
        case .call(let call):
            return "<span class=\"call\">" + callText(call, view) + "</span>"
        case .detection(let detection):
            return view.text(
                .madeByDetection, detection.kind.rawValue, String(detection.calls), detection.target, view.time.show(detection.first),
                view.time.show(detection.last))
        case .decision(let decision):
            return escape("rule r\(decision.ruleID): " + decision.summary + " — " + decision.reason + " (" + decision.createdBy + ")")
        case .flag(let flag):
            var text = "MCID " + escape(flag.kind.rawValue) + " · " + view.text(.flaggedBy) + " " + escape(flag.flaggedBy)
            if !flag.note.isEmpty { text += ": " + escape(flag.note) }
            if flag.withdrawal != nil { text += " (" + view.text(.withdrawn) + ")" }
            return text
        case .recording(let recording):
            return escape("recording of call " + recording.callID + ": " + recording.location) + (recording.sha256.map { " sha256 " + escape($0) } ?? "")
        case .log(let entry):
            return escape(entry.action + " · " + entry.actor + (entry.note.isEmpty ? "" : ": " + entry.note))
        }
    }

    /// A call: caller (number, asserted identity, display name — written by the caller), callee, outcome.
    static func callText(_ call: TimelineCall, _ view: ConsoleView) -> String {
        var text = view.text(.caller) + " "
        if let number = call.caller.number { text += view.number(number) } else { text += view.text(.withheld) }
        if let asserted = call.caller.assertedIdentity { text += " · " + view.text(.asserted) + " " + view.number(asserted) }
        if let name = call.caller.displayName { text += " · " + view.text(.displayName) + " “" + ConsoleHTML.escape(name) + "”" }
        text += " → " + view.numberText(call.callee.key)
        if call.wasBlocked { text += " · " + view.text(.blocked) }
        if let disposition = call.disposition { text += " · " + ConsoleHTML.escape(disposition.rawValue) }
        return text + " <span class=\"meta\">" + ConsoleHTML.escape(call.callID) + "</span>"
    }
}

/// `/ui/mcid`: flag a malicious call (the last call to an extension, or one by its call id) and the
/// flags raised, newest incident first. When several calls reached the extension, the candidates
/// are listed with a button each (nothing is flagged until one is chosen). Security only.
enum MCIDPage {
    static let kinds: [IncidentKind] = [.threat, .bombThreat, .suicideThreat, .harassment, .stalking]

    static func render(flags: [MCIDFlag], candidates: [MCIDCandidate], form: (extension: String, kind: String, note: String), error: String?, view: ConsoleView) -> String {
        let escape = ConsoleHTML.escape
        var body = ""
        if let error { body += "<p class=\"error\">" + escape(error) + "</p>\n" }
        if !candidates.isEmpty {
            body += "<p>" + view.text(.candidates) + "</p>\n<table id=\"candidates\"><tr><th>" + view.text(.started) + "</th><th>"
                + view.text(.caller) + "</th><th>" + view.text(.disposition) + "</th><th></th></tr>\n"
            for candidate in candidates {
                var caller = candidate.caller.number.map(view.number) ?? view.text(.withheld)
                if let name = candidate.caller.displayName { caller += " “" + escape(name) + "”" }
                body += "<tr><td>" + view.when(candidate.start) + "</td><td>" + caller + "</td><td>" + escape(candidate.disposition?.rawValue ?? "–")
                    + "</td><td><form class=\"inline\" method=\"post\" action=\"/ui/mcid\">" + view.csrfField
                    + "<input type=\"hidden\" name=\"call_id\" value=\"" + escape(candidate.callID) + "\">"
                    + "<input type=\"hidden\" name=\"kind\" value=\"" + escape(form.kind) + "\">"
                    + "<input type=\"hidden\" name=\"note\" value=\"" + escape(form.note) + "\">"
                    + "<button type=\"submit\" class=\"choose\">" + view.text(.flag) + "</button></form></td></tr>\n"
            }
            body += "</table>\n"
        }
        body += "<h2>" + view.text(.flagACall) + "</h2>\n<form id=\"flag\" method=\"post\" action=\"/ui/mcid\">" + view.csrfField
            + "<p><label>" + view.text(.extensionColumn) + " <input type=\"text\" name=\"extension\" value=\"" + escape(form.extension)
            + "\"></label> <label>" + view.text(.withinMinutes) + " <input type=\"number\" name=\"within_minutes\" value=\"10\" min=\"1\" max=\"1440\"></label></p>"
            + "<p><label>" + view.text(.kind) + " <select name=\"kind\">"
        for kind in kinds {
            body += "<option value=\"\(kind.rawValue)\"" + (kind.rawValue == form.kind ? " selected" : "") + ">" + escape(kind.rawValue) + "</option>"
        }
        body += "</select></label> <label>" + view.text(.note) + " <input type=\"text\" name=\"note\" value=\"" + escape(form.note)
            + "\"></label></p><p><button type=\"submit\">" + view.text(.flag) + "</button></p></form>\n"
        if flags.isEmpty {
            body += "<p id=\"empty\">" + view.text(.noFlags) + "</p>\n"
        } else {
            body += "<table id=\"flags\"><tr><th>" + view.text(.time) + "</th><th>" + view.text(.kind) + "</th><th>" + view.text(.what)
                + "</th><th>" + view.text(.flaggedBy) + "</th><th>#</th></tr>\n"
            for flag in flags {
                let what = flag.call.map { IncidentPages.callText($0, view) } ?? escape(flag.callID)
                body += "<tr id=\"flag-\(flag.id)\"><td>" + view.when(flag.flaggedAt) + "</td><td>" + escape(flag.kind.rawValue)
                    + (flag.withdrawal != nil ? " (" + view.text(.withdrawn) + ")" : "") + "</td><td>" + what
                    + (flag.note.isEmpty ? "" : "<br>" + escape(flag.note)) + "</td><td>" + escape(flag.flaggedBy)
                    + "</td><td><a href=\"/ui/incidents/\(flag.incidentID)\">\(flag.incidentID)</a></td></tr>\n"
            }
            body += "</table>\n"
        }
        return view.page(title: Phrase.maliciousCalls.text(view.language), body: body)
    }
}
