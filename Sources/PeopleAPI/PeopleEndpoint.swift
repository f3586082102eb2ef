package import HTTPTypes
package import Hummingbird

/// Who may call an endpoint.
package enum EndpointAccess: Sendable, Hashable {
    /// A bearer token whose role has the permission (401 without one, 403 with the wrong role).
    case token(Permission)
    /// Anyone (the console's login page); the handler decides what to show.
    case open
}

/// One route of the `api` listener: method, path in OpenAPI form (`/v1/rules/{id}`), who may call
/// it, and its handler. The handler gets the request, the path's one parameter (when it has one)
/// and the authenticated caller (nil only for ``EndpointAccess/open``).
package struct PeopleEndpoint: Sendable {
    package var method: HTTPRequest.Method
    package var path: String
    package var access: EndpointAccess
    package var respond: @Sendable (Request, PeopleRequestContext, String?, AuthenticatedCaller?) async -> Response

    package init(
        _ method: HTTPRequest.Method, _ path: String, _ access: EndpointAccess,
        respond: @escaping @Sendable (Request, PeopleRequestContext, String?, AuthenticatedCaller?) async -> Response
    ) {
        self.method = method
        self.path = path
        self.access = access
        self.respond = respond
    }

    /// The path as Hummingbird writes it (`/v1/rules/:id`).
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : part
        }.joined(separator: "/")
    }

    /// The name of the path's one parameter (`id`), if it has one.
    var parameterName: String? {
        path.split(separator: "/").first { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }
}
