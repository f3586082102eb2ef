import AlertDelivery
package import CallModel
package import SystemClock
import CallPipeline
import CDRIngest
import CallwardenPorts
import Evidence
import Hummingbird
import IncidentAPI
import PeopleAPI
import Ingest
import NIOCore
import PacketCapture
package import Logging
import DecisionService
import MetricsExposition
import ServiceLifecycle
import RuleMatching
package import UnixSignals
import SQLiteStore
import PostgresStore

#if canImport(Glibc)
import Glibc
#endif

/// How ``buildDaemon(configuration:logger:options:)`` differs between `serve` and an in-process test.
package struct DaemonBuildOptions: Sendable {
    /// Signals that start a graceful shutdown: SIGTERM and SIGINT for `serve`; none in a test
    /// (it calls ``BuiltDaemon/shutdown()``).
    package var gracefulShutdownSignals: [UnixSignal]
    /// Processing time (checkpoints, rule creation, the warm-up horizon, housekeeping).
    package var clock: WallClock
    /// The file the configuration came from: SIGHUP (and ``BuiltDaemon/reload()``) re-reads it.
    /// Nil: no reload (SIGHUP is not trapped).
    package var configurationPath: String?

    package init(gracefulShutdownSignals: [UnixSignal] = [], clock: WallClock = .system, configurationPath: String? = nil) {
        self.gracefulShutdownSignals = gracefulShutdownSignals
        self.clock = clock
        self.configurationPath = configurationPath
    }
}

/// Builds `callwarden serve` from its configuration; `serve` (``Daemon``) and the in-process
/// tests share it. Everything that can fail at start-up fails here or in ``BuiltDaemon/ready()``,
/// before `READY=1`, naming the configuration key:
///
/// 1. the store is opened and migrated (`store.path`);
/// 2. the rules are compiled and published (the refresher then follows the store's revision);
/// 3. the detector is warmed up from the store's recent events, so windows and escalation continue
///    across restarts;
/// 4. SIP capture and HEP listeners are opened (`capture`, `hep`: a missing privilege or a port in
///    use stops start-up);
/// 5. the services are made, in the one order below (``BuiltDaemon/services``); the listeners
///    among them bind when they start, and ``BuiltDaemon/ready()`` waits for all of them.
///
/// Blocking work (1–4) runs on a thread of its own, never on the cooperative pool; so do the ingest
/// loop and every service that makes blocking store calls.
package func buildDaemon(
    configuration: CallwardenConfiguration, logger: Logger, options: DaemonBuildOptions = DaemonBuildOptions()
) async throws -> BuiltDaemon {
    let clock = options.clock
    // The store rings the dispatcher after every commit that wrote an alert (an MCID flag, a
    // detection's incident change), so the alert leaves at once; the poll stays for other processes.
    let alertWake = AlertWakeSignal()
    // The store's allow list and escalation resets, from the rules refresher to the ingest loop.
    let exemptions = CountingExemptionsMailbox()
    let prepared = try await DedicatedThread.run(name: "callwarden-start") { () throws -> PreparedDaemon in
        // Several sites: the shared PostgreSQL holds events, rules, incidents and the outbox;
        // `store.path` stays this node's own file (the evidence key beside it).
        let shared = try configuration.sharedStore.map { shared in
            try SiteNode.openSharedStore(shared, configuration: configuration, alertWake: alertWake, clock: clock, logger: logger)
        }
        let store: SQLiteStore
        do {
            store = try SQLiteStore(
                path: configuration.storePath, alertPolicy: configuration.incidents.alertPolicy,
                onAlertCommitted: { alertWake.ring() }, clock: clock)
        } catch {
            throw ConfigurationError(key: "store.path", reason: "\(configuration.storePath): \(error)")
        }
        logger.info("store opened", metadata: ["store.path": "\(configuration.storePath)"])
        // The key that signs evidence bundles, made at first start beside the store (0600).
        do {
            let key = try configuration.evidenceSigningKey()
            logger.info("evidence signing key ready", metadata: ["key.fingerprint": "\(key.fingerprint)"])
        } catch {
            throw ConfigurationError(key: "store.path", reason: "evidence signing key: \(error)")
        }
        // The rules the call path decides by: compiled now, then kept in step with the store.
        let rules = try RuleSnapshotRefresher(
            store: shared ?? store, timeZone: configuration.timeZone,
            // A node of several sites is woken by the rule feed; its poll is the safety net.
            pollInterval: shared == nil ? .milliseconds(25) : .seconds(5), logger: logger, now: { clock.now() },
            exemptions: .init(
                store: shared.map { $0 as any RuleCorrectionStore } ?? store, mailbox: exemptions, horizon: configuration.warmUpHorizon))
        logger.info("rules compiled", metadata: ["rules.count": "\(rules.publisher.current.statistics.rules)"])
        var processor = configuration.makeProcessor()
        // On a node of several sites the cross-site detector counts every node's calls; this node stores.
        processor.detects = shared == nil
        // What the store allows and has reset counts in the warm-up as it will live.
        exemptions.apply(to: &processor)
        if processor.detects {
            let history = try store.events(countedSince: clock.now() - configuration.warmUpHorizon, limit: 2_000_000)
            processor.warmUp(with: history)
            logger.info("detector warmed up", metadata: ["warmup.events": "\(history.count)"])
        }
        let sipSources = try SIPSources(configuration: configuration, clock: clock, logger: logger)
        return PreparedDaemon(store: store, shared: shared, rules: rules, processor: processor, sipSources: sipSources)
    }
    let store = prepared.store
    let shared = prepared.shared
    let rules = prepared.rules
    let sipSources = prepared.sipSources
    let detectionLogger = DetectionLogger(logger: logger)
    let registry = MetricsRegistry()
    let streams = EventStreamServices(configuration: configuration, clock: clock, logger: logger)
    let decisions = DecisionServices(
        configuration: configuration, decider: PublishedRuleDecider(publisher: rules.publisher), registry: registry,
        clock: clock, logger: logger)

    // Acknowledged sources are drained once per loop round; an idle round sleeps the poll interval,
    // so with streams or SIP sources the interval is kept short enough for their queues.
    var pollInterval = configuration.pollInterval
    if !streams.services.isEmpty { pollInterval = min(pollInterval, EventStreamServices.pollIntervalWithStreams) }
    if configuration.capturesSIP { pollInterval = min(pollInterval, TimeSpan(microseconds: 200_000)) }
    let files: [any IngestSource] = configuration.cdrFiles.map { file in
        CDRSource(
            path: file.path, format: file.format, decoderConfiguration: configuration.decoderConfiguration,
            start: file.start, logger: logger)
    }
    // A CDR file that is not there yet is followed anyway: read from its first line when it appears.
    for (index, file) in configuration.cdrFiles.enumerated() where access(file.path, F_OK) != 0 {
        logger.warning(
            "CDR file does not exist yet; it is read when it appears",
            metadata: ["config.key": "cdr.files[\(index)].path", "cdr.file": "\(file.path)"])
    }
    let acknowledged: [any IngestSource] =
        (streams.sources + decisions.sources).map { $0 as any IngestSource }
        + sipSources.pushedSources.map { $0 as any IngestSource }
    let ingest = IngestLoop(
        sources: files + acknowledged, store: shared ?? store, processor: prepared.processor,
        onCommitted: { detectionLogger.log($0) }, pollInterval: .microseconds(pollInterval.microseconds),
        clock: clock, beforeRound: { exemptions.apply(to: &$0) },
        // A site node spools pushed events in its own SQLite file while PostgreSQL is unreachable.
        spool: configuration.sharedStore.flatMap { $0.spoolLimit > 0 ? SQLiteEventSpool(store: store, capacity: $0.spoolLimit) : nil },
        logger: logger)

    let alertSinks = AlertSinkSet(configuration.makeAlertSinks(logger: logger, clock: clock))
    let reloader = ConfigurationReloader(
        path: options.configurationPath, configuration: configuration, ingest: ingest, store: shared ?? store,
        exemptions: exemptions, decisionTrust: decisions.trust, alertSinks: alertSinks,
        listenerSecrets: ListenerSecrets(push: streams.pushSecrets, hep: sipSources.hepAuthKey), clock: clock, logger: logger)
    registry.register(reloader)

    let alertCounters = AlertDeliveryCounters()
    registry.register(ingest.metrics)
    registry.register(decisions.metricsSources + streams.metricsSources + sipSources.metricsSources)
    registry.register(alertCounters)

    // THE START-UP ORDER (shutdown is the reverse). ARCHITECTURE.md and the README point here.
    var services: [DaemonService] = []
    // 1. The metrics listener: up first, down last, so the whole life is observable.
    if let listen = configuration.metrics.http {
        let binding = ListenerBinding(key: "metrics.http", requested: "\(listen.host):\(listen.port)")
        services.append(DaemonService(
            name: "metrics.http",
            service: MetricsHTTPServer.application(
                host: listen.host, port: listen.port, registry: registry, logger: logger,
                onServerRunning: { channel in
                    binding.bound(channel.localAddress)
                    logger.info("metrics listening", metadata: ["http.address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                }),
            listener: binding))
    }
    // 2. The alert dispatcher: drains the incident outbox into the sinks; stops after the ingest
    //    loop, so alerts from its last commits still leave (what is not delivered stays in the outbox).
    //    It runs with no sink too, so that a reload can add the first one.
    //    On a node of several sites it runs only while this node holds the outbox lease.
    let alertPollInterval = Duration.microseconds(configuration.incidents.alertPollInterval.microseconds)
    if let shared {
        services.append(DaemonService(
            name: "alerts",
            service: SiteNode.leased(SiteNode.alertOutboxJob, store: shared, logger: logger) { lease, grant in
                try await OnOwnThread(
                    name: "alerts",
                    inner: AlertDispatcher(
                        outbox: PostgresAlertOutbox(lease: lease, grant: grant), sinkSet: alertSinks,
                        retry: configuration.incidents.retry, pollInterval: alertPollInterval, wake: alertWake, clock: clock,
                        logger: logger, counters: alertCounters)
                ).run()
            }))
    } else {
        services.append(DaemonService(
            name: "alerts",
            service: OnOwnThread(
                name: "alerts",
                inner: AlertDispatcher(
                    outbox: store, sinkSet: alertSinks, retry: configuration.incidents.retry,
                    pollInterval: alertPollInterval, wake: alertWake, clock: clock, logger: logger, counters: alertCounters))))
    }
    // 3. The ingest loop: resumes the files from their checkpoints; on shutdown finishes its step
    //    and drains the acknowledged sources once more (they have stopped reading by then).
    services.append(DaemonService(name: "ingest", service: ingest))
    // The reloader (SIGHUP) swaps the ingest loop's processor, so it runs while the loop does.
    services.append(DaemonService(name: "reload", service: reloader))
    // 4. The rules refresher (follows the store's rules revision) and housekeeping (retention).
    services.append(DaemonService(name: "rules", service: OnOwnThread(name: "rules", inner: rules)))
    if let shared {
        // Several sites: any node's rule change wakes the refresher; detection across sites and
        // retention run on the node holding each one's lease.
        services += SiteNode.sharedServices(
            shared, configuration: configuration, rules: rules, exemptions: exemptions,
            currentConfiguration: { reloader.configuration }, alertSinks: { alertSinks.names }, clock: clock, logger: logger)
    } else {
        services.append(DaemonService(
            name: "store.retention",
            service: OnOwnThread(
                name: "housekeeping",
                inner: StoreHousekeeping(
                    store: store, retention: configuration.retention, alertSinks: { alertSinks.names }, logger: logger,
                    now: { clock.now() }))))
    }
    // 5. The recording watcher and the people's listener (API and console).
    if !configuration.incidents.recordingDirectories.isEmpty {
        services.append(DaemonService(
            name: "recordings",
            service: OnOwnThread(
                name: "recordings",
                inner: RecordingWatcher(
                    directories: configuration.incidents.recordingDirectories, store: shared ?? store,
                    scanInterval: .microseconds(configuration.incidents.recordingScanInterval.microseconds),
                    settleTime: .microseconds(configuration.incidents.recordingSettleTime.microseconds), clock: clock,
                    logger: logger))))
    }
    if let listen = configuration.api.listen {
        let binding = ListenerBinding(key: "api.listen", requested: "\(listen.host):\(listen.port)")
        // The handlers (and each request's token lookup) use the store on a thread of their own.
        let storeThread = ThreadExecutor(name: "callwarden-api")
        // A site node's people work on the shared store: every site's incidents, rules and tokens.
        let peopleStore: any PeopleListenerStore = shared ?? store
        let people = configuration.peopleListener(store: peopleStore, clock: clock, logger: logger, storeExecutor: storeThread)
        services.append(DaemonService(
            name: "api.listen",
            service: StoppingExecutorAfter(
                executor: storeThread,
                inner: people.server.application(
                    host: listen.host, port: listen.port, adding: people.console, logger: logger,
                    onServerRunning: { channel in binding.bound(channel.localAddress) })),
            listener: binding))
    }
    // 6. The acknowledged sources' services, last up and first down: event-stream listeners and
    //    clients, the decision transports, SIP capture and HEP. They stop reading before the ingest
    //    loop's final drain.
    services += streams.services + decisions.services
    services += sipSources.services.map { DaemonService(name: "sip", service: $0) }
    // The HEP sockets were bound when the SIP sources were opened (step 4); their ports are
    // reported with the other listeners'.
    for source in sipSources.metricsSources {
        let bound: (key: String, host: String, port: UInt16)?
        if let listener = source as? HEPListener {
            bound = ("hep.udp", listener.configuration.host, listener.port)
        } else if let listener = source as? HEPStreamListener {
            bound = ("hep.tcp", listener.configuration.host, listener.port)
        } else {
            bound = nil
        }
        guard let bound else { continue }
        let binding = ListenerBinding(key: bound.key, requested: "\(bound.host):\(bound.port)")
        binding.bound(try? SocketAddress(ipAddress: bound.host, port: Int(bound.port)))
        services.append(DaemonService(name: bound.key, service: AlreadyBound(), listener: binding))
    }
    // A listener's failure before it is bound names its key and address.
    services = services.map { entry in
        guard let binding = entry.listener else { return entry }
        return DaemonService(name: entry.name, service: ListeningService(binding: binding, inner: entry.service), listener: binding)
    }

    let summary =
        "following \(configuration.cdrFiles.count) CDR file(s), \(streams.services.count) event stream(s), "
        + "\(sipSources.pushedSources.count) SIP source(s); \(decisions.services.count) decision transport(s)"
    return BuiltDaemon(
        services: services, store: store, registry: registry, summary: summary,
        ingestLastRound: { [metrics = ingest.metrics] in metrics.lastRoundMicroseconds }, reloader: reloader,
        sharedStore: shared,
        gracefulShutdownSignals: options.gracefulShutdownSignals, logger: logger)
}

/// The service of a listener bound at build time (HEP): nothing to run; it waits for shutdown.
private struct AlreadyBound: Service {
    func run() async throws {
        try? await gracefulShutdown()
    }
}

/// What the start-up thread made, handed back to the builder.
private final class PreparedDaemon: @unchecked Sendable {
    // @unchecked: made on the start-up thread and only read after it has ended.
    let store: SQLiteStore
    let shared: PostgresStore?
    let rules: RuleSnapshotRefresher
    let processor: CallEventProcessor
    let sipSources: SIPSources

    init(
        store: SQLiteStore, shared: PostgresStore?, rules: RuleSnapshotRefresher, processor: CallEventProcessor,
        sipSources: SIPSources
    ) {
        self.store = store
        self.shared = shared
        self.rules = rules
        self.processor = processor
        self.sipSources = sipSources
    }
}
