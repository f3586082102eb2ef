package import CDRParsing
package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle

/// Follows Kamailio's evapi socket (module `evapi`, `bind_addr` default `127.0.0.1:8448`) as a
/// service: Kamailio's routing script relays one JSON event per INVITE, final reply and BYE
/// (`Config/kamailio/kamailio-evapi.cfg`), netstring-framed; they go into ``queue`` for the ingest
/// loop. Reconnects with exponential backoff (Kamailio restarts, or was not up yet).
///
/// Delivery: evapi relays to whoever is connected and never resends, so events while disconnected
/// are lost. Deliberately not handled: several Kamailio instances (run one client each).
package final class EvapiClient: Service, Sendable {
    package let queue: PushedEventQueue
    private let client: ReconnectingClient

    package init(
        configuration: ClientConfiguration, decoderConfiguration: CDRDecoderConfiguration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) {
        let queue = PushedEventQueue(name: "evapi")
        self.queue = queue
        let window = configuration.window
        var logger = logger
        logger[metadataKey: "client"] = "evapi"
        let sessionLogger = logger
        client = ReconnectingClient(
            name: "evapi", configuration: configuration, group: group, counters: queue.counters, logger: logger
        ) { channel, monitor in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NetstringDecoder()))
                try channel.pipeline.syncOperations.addHandler(
                    EvapiSessionHandler(
                        decoderConfiguration: decoderConfiguration, flow: ClientFlow(queue: queue, window: window),
                        monitor: monitor, logger: sessionLogger))
            }
        }
    }

    package func run() async throws { await client.run() }
}
