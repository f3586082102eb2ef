import BoundedQueues
import CallModel
import CallwardenPorts
import DecisionService
import Ingest
import ListenerGuards
import Logging
import MetricsExposition
import NIOCore
import ServiceLifecycle

/// The daemon's shared decision-event queue is the transports' sink: a full queue drops the
/// newest event and counts it.
extension BoundedEventQueue: DecisionEventSink {}

/// The decision transports the `decision:` section asks for, built for the daemon: they decide by
/// the published rules (`PublishedRuleDecider`) and record every question as a call event in one
/// bounded queue that the ingest loop drains as an acknowledged source. The services run after the
/// ingest loop in the service group, so they stop taking questions before it makes its final drain.
/// The HTTP service's `/metrics` renders the daemon's whole `registry`. Questions count only from
/// the PBXs `decision.pbx` names (``DecisionService/QuestionTrust``); each listener has its guard
/// (`callwarden_listener_*`).
struct DecisionServices {
    var sources: [any AcknowledgedSource] = []
    /// `decision.http` and `decision.agi`, each with its ``ListenerBinding``.
    var services: [DaemonService] = []
    let metrics = DecisionMetrics()
    /// Whom the transports believe (`decision.pbx`); a reload swaps it whole (`replace(with:)`).
    let trust: QuestionTrustHolder
    /// For `/metrics`: the transports' counters and the event queue (none when both are off).
    var metricsSources: [any MetricsSource] = []

    init(
        configuration: CallwardenConfiguration, decider: any CallDecider, registry: MetricsRegistry, clock: WallClock,
        logger: Logger
    ) {
        let settings = configuration.decision
        trust = QuestionTrustHolder(settings.trust)
        guard settings.http != nil || settings.agi != nil else { return }
        let queue = BoundedEventQueue(name: "decision", capacity: settings.eventQueueCapacity)
        sources.append(queue)
        metricsSources = [metrics, queue]
        let screener = CallScreener(
            decider: decider, plan: configuration.plan, sink: queue, metrics: metrics, trust: trust, clock: { clock.now() })
        if let http = settings.http {
            let connectionGuard = http.limits.connectionGuard(listener: "decision.http", logger: logger)
            metricsSources.append(connectionGuard.counters)
            let binding = ListenerBinding(key: "decision.http", requested: "\(http.host):\(http.port)")
            services.append(
                DaemonService(
                    name: "decision.http",
                    service: DecisionHTTPServer.application(
                        configuration: http, screener: screener, metrics: registry, connectionGuard: connectionGuard,
                        logger: logger,
                        onServerRunning: { channel in
                            binding.bound(channel.localAddress)
                            logger.info(
                                "decision service listening",
                                metadata: ["http.address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                        }),
                    listener: binding))
        }
        if let agi = settings.agi {
            let connectionGuard = agi.limits.connectionGuard(listener: "decision.agi", logger: logger)
            metricsSources.append(connectionGuard.counters)
            let binding = ListenerBinding(key: "decision.agi", requested: "\(agi.host):\(agi.port)")
            services.append(
                DaemonService(
                    name: "decision.agi",
                    service: FastAGIServer(
                        configuration: agi, screener: screener, logger: logger, connectionGuard: connectionGuard,
                        onListening: { address in binding.bound(address) }),
                    listener: binding))
        }
    }
}
