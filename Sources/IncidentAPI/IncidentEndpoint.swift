package import HTTPTypes
package import Hummingbird

/// What one incident endpoint does, for the listener's role check.
package enum IncidentOperation: String, CaseIterable, Hashable, Sendable {
    case flagCall, withdrawFlag, listIncidents, showIncident, changeStatus, addNote, attachRecording
}

/// Who asks, as the listener's authentication established it: never a field of the request.
package struct IncidentCaller: Sendable {
    /// The actor written to the incident's log and the audit log, e.g. `token:alice`.
    package var actor: String
    /// Whether incidents' caller identities are shown whole; masked (`+44770****23`) otherwise.
    package var seesNumbers: Bool

    package init(actor: String, seesNumbers: Bool) {
        self.actor = actor
        self.seesNumbers = seesNumbers
    }
}

/// One incident route: method, path in OpenAPI form (`/v1/incidents/{id}`), what it does, and its
/// handler, given the request, the path's `id` (when it has one) and the authenticated caller.
package struct IncidentEndpoint: Sendable {
    package var method: HTTPRequest.Method
    package var path: String
    package var operation: IncidentOperation
    package var respond: @Sendable (Request, String?, IncidentCaller) async -> Response

    package init(
        method: HTTPRequest.Method, path: String, operation: IncidentOperation,
        respond: @escaping @Sendable (Request, String?, IncidentCaller) async -> Response
    ) {
        self.method = method
        self.path = path
        self.operation = operation
        self.respond = respond
    }
}
