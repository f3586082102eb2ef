package import CallModel
package import CDRParsing
package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle

/// Follows an Asterisk Manager Interface (TCP, protocols.md §2) as a service: logs in, turns call
/// events into call events (``AMIEventMapper``) for the ingest loop (``queue``), reconnects with
/// exponential backoff after a manager restart, and logs off on shutdown.
///
/// Delivery: AMI cannot resend, so events that arrive while the connection is down are not seen
/// here; the CDR file (same call ids) is the complete record. Deliberately not handled: TLS (5039).
package final class AMIClient: Service, Sendable {
    package let queue: PushedEventQueue
    private let client: ReconnectingClient

    package init(
        configuration: ClientConfiguration, username: String, secret: Secret,
        decoderConfiguration: CDRDecoderConfiguration, clock: WallClock,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) {
        let queue = PushedEventQueue(name: "ami")
        self.queue = queue
        let window = configuration.window
        var logger = logger
        logger[metadataKey: "client"] = "ami"
        let sessionLogger = logger
        client = ReconnectingClient(
            name: "ami", configuration: configuration, group: group, counters: queue.counters, logger: logger
        ) { channel, monitor in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AMIFrameDecoder()))
                try channel.pipeline.syncOperations.addHandler(
                    AMISessionHandler(
                        username: username, secret: secret, mapper: AMIEventMapper(configuration: decoderConfiguration, clock: clock),
                        flow: ClientFlow(queue: queue, window: window), monitor: monitor, logger: sessionLogger))
            }
        }
    }

    package func run() async throws { await client.run() }
}
