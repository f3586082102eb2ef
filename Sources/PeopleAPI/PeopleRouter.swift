package import Hummingbird
import CallwardenPorts
import HTTPTypes
import NIOCore
package import IncidentAPI
import Foundation

/// Puts endpoints on a router behind the authentication: each request's credential is read (on the
/// store's executor), refused with 401/403/429 as JSON, or handed to the endpoint as its caller.
package struct PeopleRouter: Sendable {
    package var authenticator: Authenticator
    /// Where the authentication's blocking store reads run (a thread of its own in the daemon).
    package var storeExecutor: (any TaskExecutor)?

    package init(authenticator: Authenticator, storeExecutor: (any TaskExecutor)?) {
        self.authenticator = authenticator
        self.storeExecutor = storeExecutor
    }

    /// Registers `endpoints` on `router`; returns `METHOD /path` of each, in OpenAPI form, for the
    /// test that compares them with `docs/openapi.yaml`.
    @discardableResult
    package func register(_ endpoints: [PeopleEndpoint], on router: Router<PeopleRequestContext>) -> [String] {
        for endpoint in endpoints {
            let authenticator = authenticator
            let storeExecutor = storeExecutor
            router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { request, context -> Response in
                let parameter = endpoint.parameterName.flatMap { context.parameters.get($0) }
                guard case .token(let permission) = endpoint.access else {
                    return await endpoint.respond(request, context, parameter, nil)
                }
                let caller: AuthenticatedCaller
                do {
                    caller = try await withTaskExecutorPreference(storeExecutor) {
                        try authenticator.authenticate(request, from: context.clientAddress, acceptsSession: false)
                    }
                } catch let problem as APIProblem {
                    return PeopleJSON.problem(problem)
                } catch {
                    return PeopleJSON.problem(Authenticator.unauthorized)
                }
                guard caller.may(permission) else {
                    return PeopleJSON.problem(APIProblem(
                        status: 403, field: "authorization", message: "the \(caller.role.rawValue) role may not do this"))
                }
                return await endpoint.respond(request, context, parameter, caller)
            }
        }
        return endpoints.map { "\($0.method.rawValue) \($0.path)" }
    }
}

/// JSON answers of the people's API: `{"error": field, "message": ...}` for refusals.
package enum PeopleJSON {
    package static func response(_ status: Int, _ json: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    package static func problem(_ problem: APIProblem) -> Response {
        var response = Self.response(problem.status, ["error": problem.field, "message": problem.message])
        if problem.status == 401 { response.headers[.wwwAuthenticate] = "Bearer realm=\"callwarden\"" }
        return response
    }
}
