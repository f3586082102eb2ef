import CallModel
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
        nav{margin-bottom:1em}nav span{margin-right:1em}form.inline{display:inline}.error{color:#a00;font-weight:bold}
        input[type=text],input[type=password]{width:24em}
        """

    /// No scripts, no images, no outside anything: only the style above, forms posting to this origin.
    package static let contentSecurityPolicy =
        "default-src 'none'; style-src 'sha256-" + Data(SHA256.hash(data: Array(style.utf8))).base64EncodedString()
        + "'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// Text for element content or a quoted attribute, escaped by Unicode scalar.
    static func escape(_ text: String) -> String { InertText.html(text) }

    /// A whole page: `title` is escaped here; `body` must already be escaped markup.
    static func page(title: String, signedInAs: String?, csrf: String?, body: String) -> String {
        var nav = ""
        if let signedInAs {
            nav = "<nav><span>Signed in as " + escape(signedInAs) + "</span><span><a href=\"/ui/blocks\">Blocked numbers</a></span>"
            if let csrf {
                nav += "<form class=\"inline\" method=\"post\" action=\"/ui/logout\"><input type=\"hidden\" name=\"csrf\" value=\""
                    + escape(csrf) + "\"><button type=\"submit\">Sign out</button></form>"
            }
            nav += "</nav>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
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
