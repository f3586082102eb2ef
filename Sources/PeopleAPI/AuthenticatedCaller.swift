package import CallwardenPorts
package import IncidentAPI

/// Who a request comes from, as its credential says: a token's name and role.
package struct AuthenticatedCaller: Sendable {
    package var name: String
    package var role: AccessRole
    /// Set when the request came with the console's session cookie: the form's CSRF token must
    /// equal it. Nil for a bearer token (not sent by a browser on its own, so no CSRF to fear).
    package var sessionCSRF: String?

    package init(name: String, role: AccessRole, sessionCSRF: String? = nil) {
        self.name = name
        self.role = role
        self.sessionCSRF = sessionCSRF
    }

    /// The actor in the audit log and the incidents' logs: `token:<name>`.
    package var actor: String { "token:" + name }

    package func may(_ permission: Permission) -> Bool { AccessPolicy.allows(role, permission) }

    /// What the incident handlers need to know of the caller.
    package var incidentCaller: IncidentCaller {
        IncidentCaller(actor: actor, seesNumbers: may(.seeWithheldIdentities))
    }
}
