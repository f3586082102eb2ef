package import Hummingbird
package import Logging
package import NIOCore

/// The incident routes served on their own address, for a deployment without the decision service
/// (or to keep security staff's API apart from the PBX's). Mounting ``IncidentRoutes`` on the
/// decision service's router instead serves both from one port.
///
/// Deliberately not handled: TLS (bind to loopback or a management network and put a TLS proxy in
/// front) and HTTP/2.
package enum IncidentHTTPServer {
    package static func application(
        host: String, port: Int, routes: IncidentRoutes, logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        routes.register(on: router)
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "callwarden-incidents"),
            onServerRunning: onServerRunning, logger: logger)
    }
}
