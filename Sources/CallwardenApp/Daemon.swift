import AlertDelivery
import CallModel
import CallPipeline
import CDRIngest
import Evidence
import Hummingbird
import IncidentAPI
package import Logging
import DecisionService
import MetricsExposition
import ServiceLifecycle
import RuleMatching
import UnixSignals
import SQLiteStore

/// `callwarden serve`: the long-running daemon.
///
/// Start-up order: configuration (validated, fails fast) → store (opened, migrated) → rules
/// (compiled and published; the refresher then follows the store's rules revision) → processor
/// (warmed up from the store's recent events, so windows and escalation continue across restarts)
/// → SIP capture and HEP listeners when configured (opened here, so a missing privilege or a port
/// in use stops start-up) → CDR tail (resumes from committed checkpoints) → event streams, decision
/// transports and SIP sources, all handing their events to the tail as pushed sources → the alert
/// dispatcher (drains the incident outbox into the sinks, woken by the store after each commit that
/// wrote an alert), store housekeeping (retention), the recording watcher and the incident API when
/// configured, and the metrics listener (`metrics.http`) → `READY=1`. Every part that counts is
/// registered in one ``MetricsExposition/MetricsRegistry``, which `GET /metrics` renders.
/// Shutdown (SIGTERM/SIGINT): `STOPPING=1`; services stop in reverse order: the capture threads, the
/// decision transports and the event streams first (listeners stop accepting and reading, wait for
/// the tail to commit and acknowledge what they had read, and close; clients log off), then the
/// rules refresher, then the tail finishes its current step (its commit is atomic, so whatever it
/// had read is either stored with its checkpoint or read again next time) and drains the pushed
/// sources once more; the alert dispatcher stops after it (what it has not delivered stays in the
/// outbox for the next start), then the metrics listener; the store closes last.
package struct Daemon {
    package var configuration: CallwardenConfiguration
    package var logger: Logger

    package init(configuration: CallwardenConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    package func run() async throws {
        // The store rings the dispatcher after every commit that wrote an alert (an MCID flag, a
        // detection's incident change), so the alert leaves at once; the poll stays for other processes.
        let alertWake = AlertWakeSignal()
        let store = try SQLiteStore(
            path: configuration.storePath, alertPolicy: configuration.incidents.alertPolicy,
            onAlertCommitted: { alertWake.ring() })
        logger.info("store opened", metadata: ["store.path": "\(configuration.storePath)"])
        let configuration = self.configuration
        let logger = self.logger
        let detectionLogger = DetectionLogger(logger: logger)
        // The rules the call path decides by: compiled now, then kept in step with the store.
        // Decision transports ask `PublishedRuleDecider(publisher: rules.publisher)`.
        let rules = try RuleSnapshotRefresher(
            store: store, timeZone: configuration.timeZone, logger: logger, now: { WallClock.now() })
        logger.info("rules compiled", metadata: ["rules.count": "\(rules.publisher.current.statistics.rules)"])
        let streams = EventStreamServices(configuration: configuration, logger: logger)
        let registry = MetricsRegistry()
        let decisions = DecisionServices(
            configuration: configuration, decider: PublishedRuleDecider(publisher: rules.publisher), registry: registry,
            logger: logger)
        var pollInterval = configuration.pollInterval
        if !streams.services.isEmpty { pollInterval = min(pollInterval, EventStreamServices.pollIntervalWithStreams) }
        let sipSources = try SIPSources(configuration: configuration, logger: logger)
        // Pushed sources are drained once per loop round; an idle round sleeps the poll interval,
        // so with SIP sources the interval is kept short enough for the capture queues.
        if configuration.capturesSIP { pollInterval = min(pollInterval, TimeSpan(microseconds: 200_000)) }
        let tail = CDRTailService(
            files: configuration.cdrFiles,
            pushedSources: streams.sources + decisions.sources + sipSources.pushedSources,
            decoderConfiguration: configuration.decoderConfiguration,
            store: store,
            makeProcessor: {
                var processor = configuration.makeProcessor()
                let since = WallClock.now() - configuration.warmUpHorizon
                let history = try store.events(countedSince: since, limit: 2_000_000)
                processor.warmUp(with: history)
                logger.info("detector warmed up", metadata: ["warmup.events": "\(history.count)"])
                return processor
            },
            onCommitted: { detectionLogger.log($0) },
            pollInterval: .microseconds(pollInterval.microseconds),
            logger: logger
        )
        // Incident services: the alert dispatcher (started first, stopped last), then the recording
        // watcher and the incident API.
        var incidentServices: (first: [any Service], rest: [any Service]) = ([], [])
        let sinks = configuration.makeAlertSinks(logger: logger)
        let alertCounters = AlertDeliveryCounters()
        if !sinks.isEmpty {
            incidentServices.first.append(AlertDispatcher(
                outbox: store, sinks: sinks, retry: configuration.incidents.retry,
                pollInterval: .microseconds(configuration.incidents.alertPollInterval.microseconds), wake: alertWake,
                logger: logger, counters: alertCounters))
        }
        registry.register(tail.metrics)
        registry.register(decisions.metricsSources + streams.metricsSources + sipSources.metricsSources)
        if !sinks.isEmpty { registry.register(alertCounters) }
        var metricsServices: [any Service] = []
        if let listen = configuration.metrics.http {
            metricsServices.append(MetricsHTTPServer.application(
                host: listen.host, port: listen.port, registry: registry, logger: logger,
                onServerRunning: { channel in
                    logger.info("metrics listening", metadata: ["http.address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                }))
        }
        if !configuration.incidents.recordingDirectories.isEmpty {
            incidentServices.rest.append(RecordingWatcher(
                directories: configuration.incidents.recordingDirectories, store: store,
                scanInterval: .microseconds(configuration.incidents.recordingScanInterval.microseconds),
                settleTime: .microseconds(configuration.incidents.recordingSettleTime.microseconds), logger: logger))
        }
        if let listen = configuration.incidents.apiListen {
            incidentServices.rest.append(IncidentHTTPServer.application(
                host: listen.host, port: listen.port, routes: configuration.incidentRoutes(store: store, logger: logger),
                logger: logger))
        }
        // Housekeeping purges what has served its purpose (never evidence), off the call path.
        let housekeeping = StoreHousekeeping(
            store: store, retention: configuration.retention, alertSinks: Set(sinks.map(\.name)), logger: logger,
            now: { WallClock.now() })
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                // Shut down in reverse order: SIP capture, decision transports and streams first, then
                // the incident API and recording watcher, housekeeping, the rules refresher, the tail
                // (and its final drain), the alert dispatcher, and the metrics listener last.
                services: (metricsServices + incidentServices.first + [tail, rules, housekeeping] + incidentServices.rest
                    + streams.services + decisions.services + sipSources.services).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
        SystemdNotifier.notify(
            "READY=1\nSTATUS=following \(configuration.cdrFiles.count) CDR file(s), \(streams.services.count) event stream(s), "
                + "\(sipSources.pushedSources.count) SIP source(s); \(decisions.services.count) decision transport(s)")
        logger.info(
            "callwarden running",
            metadata: [
                "cdr.files": "\(configuration.cdrFiles.count)", "streams": "\(streams.services.count)",
                "sip.sources": "\(sipSources.pushedSources.count)",
                "alerts.sinks": "\(sinks.map(\.name).joined(separator: ","))",
                "recordings.directories": "\(configuration.incidents.recordingDirectories.count)",
            ])
        defer {
            SystemdNotifier.notify("STOPPING=1")
            logger.info("callwarden stopped")
        }
        try await group.run()
    }
}
