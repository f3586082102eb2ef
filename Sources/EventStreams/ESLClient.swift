package import CallModel
package import CDRParsing
package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle

/// Follows a FreeSWITCH event socket in inbound mode (TCP 8021, protocols.md §3.3) as a service:
/// authenticates, subscribes to CHANNEL_CREATE, CHANNEL_ANSWER and CHANNEL_HANGUP_COMPLETE, maps
/// them (``ESLEventMapper``) into ``queue`` for the ingest loop, reconnects with exponential
/// backoff, and sends `exit` on shutdown.
///
/// Delivery: as with AMI, events while disconnected are not seen; the CDR file (same call ids) is
/// the complete record. Deliberately not handled: outbound mode (FreeSWITCH connecting to us).
package final class ESLClient: Service, Sendable {
    package let queue: PushedEventQueue
    private let client: ReconnectingClient

    package init(
        configuration: ClientConfiguration, password: Secret, decoderConfiguration: CDRDecoderConfiguration, clock: WallClock,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) {
        let queue = PushedEventQueue(name: "esl")
        self.queue = queue
        let window = configuration.window
        var logger = logger
        logger[metadataKey: "client"] = "esl"
        let sessionLogger = logger
        client = ReconnectingClient(
            name: "esl", configuration: configuration, group: group, counters: queue.counters, logger: logger
        ) { channel, monitor in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ESLFrameDecoder()))
                try channel.pipeline.syncOperations.addHandler(
                    ESLSessionHandler(
                        password: password, mapper: ESLEventMapper(configuration: decoderConfiguration, clock: clock),
                        flow: ClientFlow(queue: queue, window: window), monitor: monitor, logger: sessionLogger))
            }
        }
    }

    package func run() async throws { await client.run() }
}
