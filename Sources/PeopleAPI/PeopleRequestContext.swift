package import Hummingbird
package import NIOCore

/// The request context of the `api` listener: Hummingbird's core context and the client's address
/// (what the failed-authentication limit counts by).
package struct PeopleRequestContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    package let remoteAddress: SocketAddress?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text (`unknown` when the channel has none).
    package var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
