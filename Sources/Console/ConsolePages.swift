package import CallModel
package import CallwardenPorts
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
///   masked for a role without ``Permission/seeNumbers``; an unblock form per rule for ops.
/// - `POST /ui/blocks/{id}/remove` (`csrf`, `reason`): removes the rule (audited with the token's
///   name), back to `/ui/blocks`.
///
/// Without a session the pages send the browser to the login (303); a request with a session but
/// the wrong role is answered 403. Deliberately not handled yet: marking a false positive (the
/// store's allow-list path is being built), hits and last hit per rule, the rule's "why".
package struct ConsolePages: Sendable {
    package var store: any RuleStore
    package var plan: NumberPlan
    package var authenticator: Authenticator
    /// `Secure` on the session cookie (the console is reached over https through a proxy).
    package var secureCookies: Bool
    package var clock: WallClock
    package var work: EndpointWork

    package init(
        store: any RuleStore, plan: NumberPlan, authenticator: Authenticator, secureCookies: Bool,
        clock: WallClock, work: EndpointWork
    ) {
        self.store = store
        self.plan = plan
        self.authenticator = authenticator
        self.secureCookies = secureCookies
        self.clock = clock
        self.work = work
    }

    package var endpoints: [PeopleEndpoint] {
        [
            PeopleEndpoint(.get, "/ui/", .open) { _, _, _, _ in ConsoleHTML.redirect("/ui/blocks") },
            PeopleEndpoint(.get, "/ui/login", .open) { _, _, _, _ in ConsoleHTML.response(.ok, loginPage(error: nil)) },
            PeopleEndpoint(.post, "/ui/login", .open) { request, context, _, _ in await logIn(request, context) },
            PeopleEndpoint(.post, "/ui/logout", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .readRules, form: true) { _, _ in
                    if let id = request.cookies[Authenticator.sessionCookie]?.value { authenticator.sessions.close(id) }
                    return ConsoleHTML.redirect("/ui/login", headers: [.setCookie: cookie(value: "", maxAge: 0)])
                }
            },
            PeopleEndpoint(.get, "/ui/blocks", .open) { request, context, _, _ in
                await withCaller(request, context, needs: .readRules, form: false) { caller, _ in
                    let now = clock.now()
                    let rules = try work.perform { try store.rules(activeAt: now, includeExpired: false) }
                    return ConsoleHTML.response(.ok, BlockListPage.render(rules.filter { $0.action != .allow }, caller: caller, plan: plan))
                }
            },
            PeopleEndpoint(.post, "/ui/blocks/{id}/remove", .open) { request, context, id, _ in
                await withCaller(request, context, needs: .manageRules, form: true) { caller, body in
                    guard let id = id.flatMap(Int64.init) else { throw APIProblem(status: 400, field: "id", message: "must be a rule id") }
                    let reason = (try body.string("reason")).flatMap { $0.isEmpty ? nil : $0 } ?? "unblocked in the console"
                    guard reason.unicodeScalars.count <= 500, !InertText.containsControl(reason) else {
                        throw APIProblem(status: 400, field: "reason", message: "must be one line of at most 500 characters")
                    }
                    let now = clock.now()
                    guard try work.perform({ try store.removeRule(id: id, actor: caller.actor, reason: reason, at: now) }) else {
                        throw APIProblem(status: 404, field: "id", message: "no rule with id \(id)")
                    }
                    return ConsoleHTML.redirect("/ui/blocks")
                }
            },
        ]
    }

    // MARK: - Login

    private func loginPage(error: String?) -> String {
        var body = ""
        if let error { body += "<p class=\"error\">" + ConsoleHTML.escape(error) + "</p>\n" }
        body += """
            <form method="post" action="/ui/login">
            <p><label for="token">Your token</label><br><input type="password" id="token" name="token" autocomplete="off" required></p>
            <p><button type="submit">Sign in</button></p>
            </form>
            <p>Tokens are made by an administrator: <code>callwarden tokens create NAME --role viewer|ops|security|admin</code>.</p>
            """
        return ConsoleHTML.page(title: "Sign in", signedInAs: nil, csrf: nil, body: body)
    }

    private func logIn(_ request: Request, _ context: PeopleRequestContext) async -> Response {
        do {
            let body = try await EndpointWork.body(of: request)
            let text = try body.string("token") ?? ""
            let stored = try await withTaskExecutorPreference(work.storeExecutor) {
                try authenticator.logIn(token: text, from: context.clientAddress)
            }
            let session = authenticator.sessions.open(tokenLookup: stored.lookup, now: MonotonicTime.seconds())
            return ConsoleHTML.redirect(
                "/ui/blocks", headers: [.setCookie: cookie(value: session.id, maxAge: Int(authenticator.sessions.lifetimeSeconds))])
        } catch let problem as APIProblem {
            let status: HTTPResponse.Status = problem.status == 429 ? .tooManyRequests : .unauthorized
            return ConsoleHTML.response(status, loginPage(error: problem.status == 429 ? problem.message : "That token is not valid."))
        } catch {
            return ConsoleHTML.response(.internalServerError, loginPage(error: "The store failed; see the daemon's log."))
        }
    }

    private func cookie(value: String, maxAge: Int) -> String {
        Authenticator.sessionCookie + "=" + value + "; Path=/ui/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
            + (secureCookies ? "; Secure" : "")
    }

    // MARK: - Authentication and forms

    /// Runs `page` for an authenticated caller with `needs`; for a form (`form`), the body is read
    /// and, when the caller came by session cookie, its `csrf` field must be the session's.
    private func withCaller(
        _ request: Request, _ context: PeopleRequestContext, needs permission: Permission, form: Bool,
        _ page: (AuthenticatedCaller, APIRequestBody) throws -> Response
    ) async -> Response {
        let caller: AuthenticatedCaller
        do {
            caller = try await withTaskExecutorPreference(work.storeExecutor) {
                try authenticator.authenticate(request, from: context.clientAddress, acceptsSession: true)
            }
        } catch let problem as APIProblem where problem.status == 429 {
            return ConsoleHTML.response(.tooManyRequests, loginPage(error: problem.message))
        } catch {
            return ConsoleHTML.redirect("/ui/login")
        }
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
            return try await withTaskExecutorPreference(work.storeExecutor) { try page(caller, parsed) }
        } catch let problem as APIProblem {
            let html = ConsoleHTML.page(
                title: "Not done", signedInAs: caller.name, csrf: caller.sessionCSRF,
                body: "<p class=\"error\">" + ConsoleHTML.escape(problem.message) + "</p><p><a href=\"/ui/blocks\">Back</a></p>")
            return ConsoleHTML.response(HTTPResponse.Status(code: problem.status), html)
        } catch {
            return ConsoleHTML.response(.internalServerError, ConsoleHTML.page(title: "Not done", signedInAs: caller.name, csrf: nil, body: "<p>The store failed.</p>"))
        }
    }
}
