package import CallModel
import CallwardenPorts
import HTTPTypes
import Hummingbird
import IncidentAPI
package import PeopleAPI

/// The console's pages, as endpoints of the people's listener:
///
/// - `GET /ui/`: to the blocked numbers (or the login).
/// - `GET /ui/login`, `POST /ui/login` (`token`): a session cookie and on to `/ui/blocks`.
/// - `POST /ui/logout` (`csrf`).
/// - `GET /ui/blocks`: block and redirect rules in force: what, where, why, who, until when; numbers
///   masked for a role without ``Permission/seeNumbers``; for ops an unblock and a false-positive
///   button per rule. `POST /ui/blocks/{id}/remove` (`csrf`, `reason`, `false_positive`).
/// - `GET /ui/review?all=1` (ops): the blocks detections made and nobody approved yet, with their
///   "why" and hits (``ReviewQueuePage``); `POST /ui/review/{id}/approve` (`csrf`, `reason`),
///   `POST /ui/review/{id}/expiry` (`csrf`, `expires`: `7d` or `never`, `reason`); rejecting is the remove form.
/// - `GET /ui/incidents` (every reader, callers masked except for security), `GET /ui/incidents/{id}`
///   (security; audited), `POST /ui/incidents/{id}/status` (`status`, `note`) and `/notes` (`note`).
/// - `GET /ui/mcid`, `POST /ui/mcid` (security): flag a malicious call (``MCIDPage``).
/// - `GET /ui/prevention`, `GET /ui/prevention.csv?table=` (every reader; counts only): `PreventionPage`.
/// - `GET /ui/audit?since=24h` (admin): the audit log (`AuditPage`).
/// - `GET /ui/calls?number=&extension=&since=&until=` (every reader): call search as `GET /v1/calls`
///   (`CallSearchPage`: whole numbers for security only, that search audited).
///
/// Every page in Finnish, Swedish or English (``ConsoleLanguage``; `?lang=` switches and is kept in
/// a cookie) with times in the deployment's zone and their offset (``ConsoleTime``). Every change
/// is audited by the store with the token's name (`token:<name>`) as the actor.
///
/// Without a session the pages send the browser to the login (303); a request with a session but
/// the wrong role is answered 403.
/// - `GET /ui/incidents/{id}/evidence` (security): the incident's evidence bundle as a tar, made by
///   ``evidenceDownload`` (the daemon: the exporter `callwarden incidents export` uses; audited).
package struct ConsolePages: Sendable {
    package var store: any PeopleStore
    package var plan: NumberPlan
    package var authenticator: Authenticator
    /// `Secure` on the session cookie (the console is reached over https through a proxy).
    package var secureCookies: Bool
    package var clock: WallClock
    package var work: EndpointWork
    /// How times are shown: the deployment's zone (`numbering.time_zone`).
    package var time: ConsoleTime
    /// Makes an incident's evidence bundle for a download (nil: the incident page offers none).
    package var evidenceDownload: EvidenceDownload?
    /// Extension → team (`api.teams`): the prevention page counts by team where one is configured.
    package var teams: [String: String]

    package init(
        store: any PeopleStore, plan: NumberPlan, authenticator: Authenticator, secureCookies: Bool,
        clock: WallClock, work: EndpointWork, time: ConsoleTime = ConsoleTime(identifier: "UTC"), evidenceDownload: EvidenceDownload? = nil,
        teams: [String: String] = [:]
    ) {
        self.teams = teams
        self.evidenceDownload = evidenceDownload
        self.store = store
        self.plan = plan
        self.authenticator = authenticator
        self.secureCookies = secureCookies
        self.clock = clock
        self.work = work
        self.time = time
    }

    package var endpoints: [PeopleEndpoint] {
        [
            PeopleEndpoint(.get, "/ui/", .open) { _, _, _, _ in ConsoleHTML.redirect("/ui/blocks") },
            PeopleEndpoint(.get, "/ui/login", .open) { request, _, _, _ in
                ConsoleHTML.response(.ok, loginPage(error: nil, language: Self.language(of: request)))
            },
            PeopleEndpoint(.post, "/ui/login", .open) { request, context, _, _ in await logIn(request, context) },
            PeopleEndpoint(.post, "/ui/logout", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .readRules, form: true) { _, _ in
                    if let id = request.cookies[Authenticator.sessionCookie]?.value { try work.perform { try authenticator.sessions.close(id) } }
                    return ConsoleHTML.redirect("/ui/login", headers: [.setCookie: cookie(value: "", maxAge: 0)])
                }
            },
        ] + ruleEndpoints + incidentEndpoints + callSearchEndpoints
    }

    // MARK: - Login

    func loginPage(error: String?, language: ConsoleLanguage) -> String {
        let text = { (phrase: Phrase) in ConsoleHTML.escape(phrase.text(language)) }
        var body = ""
        if let error { body += "<p class=\"error\">" + ConsoleHTML.escape(error) + "</p>\n" }
        body += "<form method=\"post\" action=\"/ui/login\">\n<p><label for=\"token\">" + text(.yourToken)
            + "</label><br><input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" required></p>\n<p><button type=\"submit\">"
            + text(.signIn) + "</button></p>\n</form>\n<p>" + text(.tokensMadeBy)
            + " <code>callwarden tokens create NAME --role viewer|ops|security|admin</code></p>"
        return ConsoleHTML.page(title: Phrase.signIn.text(language), language: language, body: body)
    }

    private func logIn(_ request: Request, _ context: PeopleRequestContext) async -> Response {
        let language = Self.language(of: request)
        do {
            let body = try await EndpointWork.body(of: request)
            let text = try body.string("token") ?? ""
            let session = try await withTaskExecutorPreference(work.storeExecutor) { () throws(APIProblem) -> (id: String, csrf: String) in
                let stored = try authenticator.logIn(token: text, from: context.clientAddress)
                guard stored.role != .pbx else {
                    throw APIProblem(status: 403, field: "token", message: "A PBX credential does not sign in to the console.")
                }
                return try work.perform { try authenticator.sessions.open(tokenLookup: stored.lookup) }
            }
            return ConsoleHTML.redirect(
                "/ui/blocks", headers: [.setCookie: cookie(value: session.id, maxAge: Int(authenticator.sessions.lifetimeSeconds))])
        } catch {
            let problem = error
            if problem.status == 500 {
                return ConsoleHTML.response(.internalServerError, loginPage(error: Phrase.storeFailed.text(language), language: language))
            }
            let status: HTTPResponse.Status = problem.status == 429 ? .tooManyRequests : problem.status == 403 ? .forbidden : .unauthorized
            let message = problem.status == 401 ? Phrase.tokenInvalid.text(language) : problem.message
            return ConsoleHTML.response(status, loginPage(error: message, language: language))
        }
    }

    private func cookie(value: String, maxAge: Int) -> String {
        Authenticator.sessionCookie + "=" + value + "; Path=/ui/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
            + (secureCookies ? "; Secure" : "")
    }

    /// The request's language: `?lang=`, the language cookie, `Accept-Language`, English.
    static func language(of request: Request) -> ConsoleLanguage {
        ConsoleLanguage.choose(
            query: request.uri.queryParameters["lang"].map(String.init), cookie: request.cookies[ConsoleLanguage.cookie]?.value,
            acceptLanguage: request.headers[.acceptLanguage])
    }

    // MARK: - Authentication and forms

    /// Runs `page` for an authenticated caller with `needs`; for a form (`form`), the body is read
    /// and, when the caller came by session cookie, its `csrf` field must be the session's. A
    /// `?lang=` switch is kept in the language cookie.
    func withCaller(
        _ request: Request, _ context: PeopleRequestContext, needs permission: Permission, form: Bool,
        _ page: (ConsoleView, APIRequestBody) throws -> Response
    ) async -> Response {
        let language = Self.language(of: request)
        let caller: AuthenticatedCaller
        do {
            caller = try await withTaskExecutorPreference(work.storeExecutor) {
                try authenticator.authenticate(request, from: context.clientAddress, acceptsSession: true)
            }
        } catch let problem as APIProblem where problem.status == 429 {
            return ConsoleHTML.response(.tooManyRequests, loginPage(error: problem.message, language: language))
        } catch {
            return ConsoleHTML.redirect("/ui/login")
        }
        let view = ConsoleView(caller: caller, language: language, time: time, plan: plan, path: request.uri.path)
        var response: Response
        do {
            guard caller.may(permission) else {
                throw APIProblem(status: 403, field: "authorization", message: "The \(caller.role.rawValue) role may not do this.")
            }
            var body = try APIRequestBody(bytes: [], contentType: nil)
            if form {
                body = try await EndpointWork.body(of: request)
                if let expected = caller.sessionCSRF {
                    let given = try body.string("csrf") ?? ""
                    guard SecretComparison.matches(Array(given.utf8), Array(expected.utf8)) else {
                        throw APIProblem(status: 403, field: "csrf", message: "This form has expired; open the page again.")
                    }
                }
            }
            let parsed = body
            response = try await withTaskExecutorPreference(work.storeExecutor) { try page(view, parsed) }
        } catch let problem as APIProblem {
            let html = view.page(
                title: Phrase.notDone.text(language),
                body: "<p class=\"error\">" + ConsoleHTML.escape(problem.message) + "</p><p><a href=\"/ui/blocks\">" + view.text(.back) + "</a></p>")
            response = ConsoleHTML.response(HTTPResponse.Status(code: problem.status), html)
        } catch {
            response = ConsoleHTML.response(
                .internalServerError, view.page(title: Phrase.notDone.text(language), body: "<p>" + view.text(.storeFailed) + "</p>"))
        }
        if let chosen = request.uri.queryParameters["lang"], ConsoleLanguage(rawValue: String(chosen)) != nil {
            response.headers.append(HTTPField(
                name: .setCookie,
                value: ConsoleLanguage.cookie + "=" + chosen + "; Path=/ui/; Max-Age=31536000; SameSite=Strict" + (secureCookies ? "; Secure" : "")))
        }
        return response
    }

    /// A form's one-line text field: at most `maximum` scalars, no control or format characters.
    static func line(_ body: APIRequestBody, _ field: String, maximum: Int = 500) throws(APIProblem) -> String? {
        guard let text = try body.string(field), !text.isEmpty else { return nil }
        guard text.unicodeScalars.count <= maximum, !InertText.containsControl(text) else {
            throw APIProblem(status: 400, field: field, message: "must be one line of at most \(maximum) characters")
        }
        return text
    }
}
