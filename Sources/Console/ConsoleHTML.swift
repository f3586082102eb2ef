import CallModel
import CallwardenPorts
import PeopleAPI
import Crypto
import Foundation
package import Hummingbird
import HTTPTypes
import NIOCore

/// The console's page frame: one inline style, allowed by its SHA-256 and nothing else.
package enum ConsoleHTML {
    static let style = """
        body{font-family:sans-serif;margin:2em;color:#111;max-width:72em}table{border-collapse:collapse;margin:1em 0}
        th,td{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}
        nav{margin-bottom:.5em}nav span{margin-right:1em}form.inline{display:inline}.error{color:#a00;font-weight:bold}
        input[type=text],input[type=password]{width:24em}td input[type=text]{width:12em}.meta{color:#555;font-size:90%}
        .sev-high,.sev-critical{color:#a00;font-weight:bold}
        """

    /// No scripts, no images, no outside anything: only the style above, forms posting to this origin.
    package static let contentSecurityPolicy =
        "default-src 'none'; style-src 'sha256-" + Data(SHA256.hash(data: Array(style.utf8))).base64EncodedString()
        + "'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// Text for element content or a quoted attribute, escaped by Unicode scalar.
    static func escape(_ text: String) -> String { InertText.html(text) }

    /// A signed-in page: the navigation (only the pages the caller's role may open), the language
    /// switch and the zone times are shown in. `title` is escaped here; `body` must already be escaped markup.
    static func page(title: String, view: ConsoleView, body: String) -> String {
        let caller = view.caller
        var links: [(String, Phrase)] = [("/ui/blocks", .blockedNumbers)]
        if caller.may(.manageRules) { links.append(("/ui/review", .reviewQueue)) }
        if caller.may(.readSummaries) { links.append(("/ui/incidents", .incidents)) }
        if caller.may(.readSummaries) { links.append(("/ui/calls", .callSearch)) }
        if caller.may(.readSummaries) { links.append(("/ui/prevention", .prevention)) }
        if caller.may(.handleIncidents) { links.append(("/ui/mcid", .maliciousCalls)) }
        if caller.may(.readAudit) { links.append(("/ui/audit", .auditLog)) }
        var nav = "<nav><span>" + view.text(.signedInAs, caller.name, caller.role.rawValue) + "</span>"
        for (path, phrase) in links { nav += "<span><a href=\"\(path)\">" + view.text(phrase) + "</a></span>" }
        if let csrf = caller.sessionCSRF {
            nav += "<form class=\"inline\" method=\"post\" action=\"/ui/logout\"><input type=\"hidden\" name=\"csrf\" value=\""
                + escape(csrf) + "\"><button type=\"submit\">" + view.text(.signOut) + "</button></form>"
        }
        nav += "</nav>\n<p class=\"meta\"><span id=\"languages\">" + view.text(.language) + ": "
        nav += ConsoleLanguage.allCases.map { language in
            language == view.language
                ? "<strong>" + escape(language.nativeName) + "</strong>"
                : "<a lang=\"\(language.rawValue)\" href=\"" + escape(view.path) + "?lang=\(language.rawValue)\">" + escape(language.nativeName) + "</a>"
        }.joined(separator: " · ")
        nav += "</span> · <span id=\"zone\">" + view.text(.timesIn, view.time.zone.identifier) + "</span></p>"
        return frame(title: title, language: view.language, nav: nav, body: body)
    }

    /// A page before signing in (the login form).
    static func page(title: String, language: ConsoleLanguage, body: String) -> String {
        frame(title: title, language: language, nav: "", body: body)
    }

    private static func frame(title: String, language: ConsoleLanguage, nav: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language.rawValue)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Callwarden</title>
        <style>\(style)</style></head><body>
        \(nav)<h1>\(escape(title))</h1>
        \(body)
        </body></html>
        """
    }

    /// An HTML answer with the policy and the headers that keep it out of caches and frames.
    static func response(_ status: HTTPResponse.Status = .ok, _ html: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: contentSecurityPolicy, .cacheControl: "no-store",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 to `location` (after a form), with optional extra headers (a cookie).
    static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }
}
