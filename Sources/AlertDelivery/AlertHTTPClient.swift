package import AsyncHTTPClient

extension HTTPClient {
    /// The client every alert sink posts with: like `HTTPClient.shared` (the process-wide event
    /// loops, never shut down) but following no redirect. A receiver that answers 3xx is a failed
    /// delivery (retried, logged with its status); the signed body never goes to a host nobody
    /// configured. Deliberately not handled: following a redirect to the same host.
    package static let alerts: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
