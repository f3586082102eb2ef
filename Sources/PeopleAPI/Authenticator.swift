import CallModel
package import CallwardenPorts
package import Hummingbird
package import IncidentAPI

/// Finds who a request comes from: a bearer token (`Authorization: Bearer cw_…`) or, where the
/// console allows it, the session cookie its login set. Blocking (reads the store): call it on the
/// store's executor.
///
/// Nothing is served without a credential, loopback included: a process on the host that should
/// not need one uses the CLI on the store instead.
package struct Authenticator: Sendable {
    package static let sessionCookie = "callwarden_session"

    package var store: any AccessTokenStore
    package var sessions: ConsoleSessions
    package var limiter: FailedAuthenticationLimiter

    package init(store: any AccessTokenStore, sessions: ConsoleSessions = ConsoleSessions(), limiter: FailedAuthenticationLimiter = FailedAuthenticationLimiter()) {
        self.store = store
        self.sessions = sessions
        self.limiter = limiter
    }

    /// The caller of `request`, or a refusal: 401 (no or a bad credential), 429 (too many failures
    /// from this address this minute). `acceptsSession`: whether the console's cookie counts (only
    /// under `/ui/`; the JSON API takes bearer tokens only, so it needs no CSRF protection).
    package func authenticate(_ request: Request, from address: String, acceptsSession: Bool) throws(APIProblem) -> AuthenticatedCaller {
        let minute = MonotonicTime.seconds() / 60
        guard limiter.allows(address, minute: minute) else {
            throw APIProblem(status: 429, field: "authorization", message: "too many failed authentications from this address; wait a minute")
        }
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "), let token = AccessTokenText(parsing: header.dropFirst(7)),
                let stored = try read({ try store.token(lookup: token.lookup) }), token.matches(stored)
            else {
                limiter.recordFailure(address, minute: minute)
                throw Self.unauthorized
            }
            return AuthenticatedCaller(name: stored.name, role: stored.role)
        }
        if acceptsSession, let id = request.cookies[Self.sessionCookie]?.value {
            guard let session = try read({ try sessions.session(id) }),
                let stored = try read({ try store.token(lookup: session.tokenLookup) }), stored.revokedAt == nil
            else {
                limiter.recordFailure(address, minute: minute)
                throw Self.unauthorized
            }
            return AuthenticatedCaller(name: stored.name, role: stored.role, sessionCSRF: session.csrf)
        }
        throw Self.unauthorized
    }

    /// Checks a presented token for the console's login form; returns its stored row.
    package func logIn(token text: String, from address: String) throws(APIProblem) -> StoredAccessToken {
        let minute = MonotonicTime.seconds() / 60
        guard limiter.allows(address, minute: minute) else {
            throw APIProblem(status: 429, field: "token", message: "too many failed authentications from this address; wait a minute")
        }
        guard let token = AccessTokenText(parsing: text.trimmingSpaces), let stored = try read({ try store.token(lookup: token.lookup) }),
            token.matches(stored)
        else {
            limiter.recordFailure(address, minute: minute)
            throw APIProblem(status: 401, field: "token", message: "is not a valid token")
        }
        return stored
    }

    static let unauthorized = APIProblem(status: 401, field: "authorization", message: "a valid bearer token is required")

    private func read<T>(_ work: () throws -> T) throws(APIProblem) -> T {
        do {
            return try work()
        } catch {
            throw APIProblem(status: 500, field: "store", message: "the store failed; see the daemon's log")
        }
    }
}

/// Whole seconds of the monotonic clock since the process first asked (sessions, the failure limit).
package enum MonotonicTime {
    private static let start = ContinuousClock.now

    package static func seconds() -> Int64 {
        (ContinuousClock.now - start).components.seconds
    }
}
