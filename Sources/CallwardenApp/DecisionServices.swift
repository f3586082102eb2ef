import CallModel
import CallPipeline
import DecisionService
import Logging
import MetricsExposition
import NIOCore
import ServiceLifecycle

/// The decision transports the `decision:` section asks for, built for the daemon: they decide by
/// the published rules (`PublishedRuleDecider`) and record every question as a call event in one
/// bounded queue that the ingest loop drains as a pushed source. The services run after the ingest
/// loop in the service group, so they stop taking questions before it makes its final drain.
/// The HTTP service's `/metrics` renders the daemon's whole `registry`.
struct DecisionServices {
    var sources: [any PushedEventSource] = []
    var services: [any Service] = []
    let metrics = DecisionMetrics()
    /// For `/metrics`: the transports' counters and the event queue (none when both are off).
    var metricsSources: [any MetricsSource] = []

    init(configuration: CallwardenConfiguration, decider: any CallDecider, registry: MetricsRegistry, logger: Logger) {
        let settings = configuration.decision
        guard settings.http != nil || settings.agi != nil else { return }
        let queue = BoundedEventQueue(name: "decision", minimumCapacity: settings.eventQueueCapacity)
        sources.append(queue)
        metricsSources = [metrics, queue]
        let screener = CallScreener(decider: decider, plan: configuration.plan, sink: queue, metrics: metrics)
        if let http = settings.http {
            services.append(
                DecisionHTTPServer.application(
                    configuration: http, screener: screener, metrics: registry, logger: logger,
                    onServerRunning: { channel in
                        logger.info(
                            "decision service listening",
                            metadata: ["http.address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                    }))
        }
        if let agi = settings.agi {
            services.append(
                FastAGIServer(
                    configuration: agi, screener: screener, logger: logger,
                    onListening: { address in
                        logger.info("FastAGI listening", metadata: ["agi.address": "\(address)"])
                    }))
        }
    }
}
