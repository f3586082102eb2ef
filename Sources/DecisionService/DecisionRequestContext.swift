package import Hummingbird
package import NIOCore

/// The decision routes' request context: Hummingbird's basic one plus the peer's address, which
/// ``QuestionTrust`` judges a question by.
package struct DecisionRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The connection's peer (nil when the channel has none).
    package let remoteAddress: SocketAddress?

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
