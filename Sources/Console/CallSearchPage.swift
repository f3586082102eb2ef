import CallModel
import CallwardenPorts
import Hummingbird
import IncidentAPI
import PeopleAPI

extension ConsolePages {
    /// `/ui/calls`: call search, as `GET /v1/calls` (its query, masking and audit).
    var callSearchEndpoints: [PeopleEndpoint] {
        [
            PeopleEndpoint(.get, "/ui/calls", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .readSummaries, form: false) { view, _ in
                    let search = CallSearchEndpoints(store: store, plan: plan, clock: clock, work: work)
                    let parameters = request.uri.queryParameters
                    let asked = ["number", "extension", "since", "until"].contains { parameters[Substring($0)].map { !$0.isEmpty } ?? false }
                    var found: ([CallSummary], Bool)?
                    var query = CallQuery(since: clock.now() - CallSearchEndpoints.defaultRange)
                    if asked {
                        query = try search.query(parameters, view.caller)
                        found = try search.search(query, view.caller)
                    }
                    return ConsoleHTML.response(.ok, CallSearchPage.render(parameters, query: query, found: found, view: view))
                }
            },
        ]
    }
}

/// The call search page: a GET form (works without JavaScript) and the calls found, newest first.
/// Callers as `GET /v1/calls` shows them: whole with display names for security only.
enum CallSearchPage {
    static func render(_ parameters: Parameters, query: CallQuery, found: ([CallSummary], Bool)?, view: ConsoleView) -> String {
        let value = { (name: String) in ConsoleHTML.escape(parameters[Substring(name)].map(String.init) ?? "") }
        var body = "<form method=\"get\" action=\"/ui/calls\" id=\"search\">"
        for (name, phrase) in [("number", Phrase.number), ("extension", .extensionColumn), ("since", .since), ("until", .until)] {
            body += "<label>" + view.text(phrase) + " <input type=\"text\" name=\"\(name)\" value=\"" + value(name) + "\"></label> "
        }
        body += "<button type=\"submit\">" + view.text(.search) + "</button></form>\n<p>" + view.text(.searchHelp) + "</p>\n"
        guard let (calls, more) = found else { return view.page(title: Phrase.callSearch.text(view.language), body: body) }
        if !CallSearchEndpoints.showsNumbers(view.caller) { body += "<p>" + view.text(.numbersMasked, view.caller.role.rawValue) + "</p>\n" }
        if calls.isEmpty {
            body += "<p id=\"empty\">" + view.text(.noCalls) + "</p>\n"
        } else {
            body += "<table id=\"calls\"><tr><th>" + view.text(.started) + "</th><th>" + view.text(.caller) + "</th>"
            if CallSearchEndpoints.showsNumbers(view.caller) { body += "<th>" + view.text(.displayName) + "</th>" }
            body += "<th>" + view.text(.extensionColumn) + "</th><th>" + view.text(.disposition) + "</th><th>" + view.text(.action)
                + "</th><th>" + view.text(.callID) + "</th></tr>\n"
            for call in calls {
                body += "<tr><td>" + view.when(call.start) + "</td><td class=\"number\">"
                    + ConsoleHTML.escape(CallSearchEndpoints.callerText(call.caller, view.caller)) + "</td>"
                if CallSearchEndpoints.showsNumbers(view.caller) { body += "<td>" + ConsoleHTML.escape(call.caller.displayName ?? "") + "</td>" }
                body += "<td>" + ConsoleHTML.escape(call.callee) + "</td><td>" + ConsoleHTML.escape(call.disposition?.rawValue ?? "–")
                    + "</td><td>" + ConsoleHTML.escape(call.decision ?? "–") + "</td><td>" + ConsoleHTML.escape(call.callID) + "</td></tr>\n"
            }
            body += "</table>\n"
        }
        if more {
            var next = ["number", "extension", "since", "until"].compactMap { name -> String? in
                guard let text = parameters[Substring(name)], !text.isEmpty else { return nil }
                return name + "=" + percentEncoded(String(text))
            }
            next.append("offset=\(query.offset + calls.count)")
            body += "<p><a id=\"next\" href=\"/ui/calls?" + ConsoleHTML.escape(next.joined(separator: "&")) + "\">" + view.text(.more) + "</a></p>\n"
        }
        return view.page(title: Phrase.callSearch.text(view.language), body: body)
    }

    /// Percent-encoding of every byte outside the unreserved set (a query value).
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
