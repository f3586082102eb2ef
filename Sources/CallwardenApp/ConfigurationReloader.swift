import CallPipeline
import DecisionService
import Ingest
package import Logging
package import MetricsExposition
import ServiceLifecycle
import AlertDelivery
import EventStreams
import PacketCapture
package import ListenerGuards
package import CallModel
import CallwardenPorts
import Synchronization
import UnixSignals

/// What one reload did.
package enum ReloadOutcome: Sendable, Equatable {
    /// The new configuration is in force; `needsRestart` lists the changed keys that only a restart applies.
    case applied(needsRestart: [String])
    /// The file was refused (every problem logged with its key); the running configuration stays.
    case refused([String])
}

/// SIGHUP (`systemctl reload callwarden`): re-reads the configuration file and, when it is valid,
/// puts it in force without a restart and without losing or doubling an event.
///
/// Applied at once: what the detector and the response policy read — `detection.*` (the allow and
/// customer lists, every threshold and window) and `response.crisis_line` — and whom the decision
/// listeners believe (`decision.pbx`: the PBX credentials, their sources and `assert_identity`), the
/// push listeners' `AUTH` secrets and the HEP auth key (``ListenerSecrets``: read when a connection
/// opens, or per HEP packet; connections already open keep theirs), the
/// alert sinks (`incidents.journal`, `.webhooks`, `.alertmanagers`, their secrets re-read: the
/// dispatcher moves to them between two deliveries, see ``AlertSinkSet``) and `logging.level`
/// (``ProcessLogLevel``). The ingest loop swaps
/// its processor between two rounds (``Ingest/IngestLoop/replaceProcessor(_:)``) for one built from
/// the new file, given the store's counting exemptions in force and warmed up from the store,
/// exactly as a restart would; the files' checkpoints and the pushed sources' queues do not move.
///
/// Deliberately not applied (logged as "takes effect at the next restart", key by key): what binds
/// or opens something — the store, CDR files, listeners and their addresses, capture, HEP, event
/// stream clients, the people's API — and, in this version, the AMI/ESL/evapi clients' logins
/// (they live with a connection to the PBX that a reload would have to drop). A secret file's
/// new content is not logged as a change (secrets never print themselves); the listeners' secrets
/// and the alert sinks are put in force on every applied reload, so a rotated secret file is
/// taken at once.
///
/// An invalid file (YAML, a key, a secret file) is refused: every problem is logged with its key
/// and the running configuration stays. `callwarden_config_reloads_total{result="applied|refused"}`
/// counts both.
package final class ConfigurationReloader: Service, MetricsSource, Sendable {
    /// The file `serve` was started with; nil: nothing to re-read (SIGHUP is then only logged).
    package let path: String?
    private let current: Mutex<CallwardenConfiguration>
    private let ingest: IngestLoop
    private let store: any EventStore
    private let exemptions: CountingExemptionsMailbox
    private let decisionTrust: QuestionTrustHolder
    private let alertSinks: AlertSinkSet
    private let listenerSecrets: ListenerSecrets
    private let clock: WallClock
    private let logger: Logger
    /// [applied, refused]
    private let counts = AtomicCounterArray(count: 2)

    init(
        path: String?, configuration: CallwardenConfiguration, ingest: IngestLoop, store: any EventStore,
        exemptions: CountingExemptionsMailbox, decisionTrust: QuestionTrustHolder, alertSinks: AlertSinkSet,
        listenerSecrets: ListenerSecrets, clock: WallClock, logger: Logger
    ) {
        self.path = path
        self.current = Mutex(configuration)
        self.ingest = ingest
        self.store = store
        self.exemptions = exemptions
        self.decisionTrust = decisionTrust
        self.alertSinks = alertSinks
        self.listenerSecrets = listenerSecrets
        self.clock = clock
        self.logger = logger
    }

    /// The configuration in force (swapped whole by a reload).
    package var configuration: CallwardenConfiguration { current.withLock { $0 } }

    package func run() async throws {
        guard path != nil else {
            try? await gracefulShutdown()
            return
        }
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            SystemdNotifier.notify("RELOADING=1")
            _ = await reload()
            SystemdNotifier.notify("READY=1")
        }
    }

    /// Re-reads ``path`` and puts it in force, or refuses it.
    @discardableResult
    package func reload() async -> ReloadOutcome {
        guard let path else {
            logger.warning("reload asked, but the daemon was not started from a configuration file")
            return .refused(["no configuration file"])
        }
        let next: CallwardenConfiguration
        do {
            next = try await DedicatedThread.run(name: "callwarden-reload") { try CallwardenConfiguration.load(path: path) }
        } catch {
            let problems = (error as? ConfigurationErrors)?.errors.map(\.description) ?? ["\(error)"]
            for problem in problems {
                logger.error("reload refused: configuration problem", metadata: ["config.file": "\(path)", "problem": "\(problem)"])
            }
            counts.add(1)
            logger.error("reload refused; the running configuration stays", metadata: ["config.file": "\(path)", "problems": "\(problems.count)"])
            return .refused(problems)
        }
        let previous = configuration
        let needsRestart = Self.restartOnlyChanges(from: previous, to: next)
        let store = self.store
        let exemptions = self.exemptions
        let clock = self.clock
        do {
            try await ingest.replaceProcessor {
                var processor = next.makeProcessor()
                // On a node of several sites the cross-site detector counts (it takes the new
                // thresholds at its next tenure); the node only stores.
                processor.detects = next.sharedStore == nil
                // The allow list and escalation resets the store holds count in the new one as in
                // the old (the mailbox only hands the loop changes).
                processor.apply(exemptions.current())
                processor.warmUp(with: try store.events(countedSince: clock.now() - next.warmUpHorizon, limit: 2_000_000))
                return processor
            }
        } catch {
            counts.add(1)
            logger.error("reload refused: the new detector could not be built", metadata: ["error": "\(error)"])
            return .refused(["\(error)"])
        }
        current.withLock { $0 = next }
        decisionTrust.replace(with: next.decision.trust)
        alertSinks.replace(with: next.makeAlertSinks(logger: logger, clock: clock))
        listenerSecrets.apply(next)
        if let level = Logger.Level(rawValue: next.logLevel) { ProcessLogLevel.shared.level = level }
        counts.add(0)
        for key in needsRestart {
            logger.warning("configuration changed; takes effect at the next restart", metadata: ["config.key": "\(key)"])
        }
        logger.info("configuration reloaded", metadata: ["config.file": "\(path)"])
        return .applied(needsRestart: needsRestart)
    }

    /// The top-level keys whose change only a restart applies, compared by their description.
    static func restartOnlyChanges(from old: CallwardenConfiguration, to new: CallwardenConfiguration) -> [String] {
        let parts: [(String, (CallwardenConfiguration) -> String)] = [
            ("store", { "\($0.storePath) \($0.retention)" }),
            ("numbering", { "\($0.plan) \($0.timeZone.name)" }),
            ("cdr", { "\($0.cdrFiles) \($0.pollInterval)" }),
            ("push/ami/esl/evapi", { "\($0.streams)" }),
            ("decision", { configuration in
                // `decision.pbx` is applied by the reload; the listeners' addresses and limits are not.
                var decision = configuration.decision
                decision.trust = QuestionTrust(credentials: [])
                return "\(decision)"
            }),
            ("capture", { "\(String(describing: $0.capture))" }),
            ("hep", { "\(String(describing: $0.hep))" }),
            ("sip", { "\($0.sip)" }),
            ("incidents/recordings", { configuration in
                // The alert sinks are applied by the reload; the rest of `incidents` is not.
                var incidents = configuration.incidents
                incidents.journal = true
                incidents.webhooks = []
                incidents.alertmanagers = []
                return "\(incidents)"
            }),
            ("metrics", { "\($0.metrics)" }),
        ]
        return parts.filter { $0.1(old) != $0.1(new) }.map(\.0)
    }

    package func collectMetrics(into collector: inout MetricsCollector) {
        let help = "Configuration reloads (SIGHUP), applied or refused (an invalid file; the running configuration stayed)."
        collector.counter("callwarden_config_reloads_total", help: help, labels: ["result": "applied"], value: counts.value(0))
        collector.counter("callwarden_config_reloads_total", help: help, labels: ["result": "refused"], value: counts.value(1))
    }
}

/// The listeners' secrets a reload replaces: each push listener's `AUTH` secret (by listener name)
/// and the HEP listeners' auth key. A listener added or removed by the new file, or a HEP section
/// added or removed, needs a restart (logged as such); its secret is not applied here.
package struct ListenerSecrets: Sendable {
    package var push: [String: ReloadableSetting<Secret?>] = [:]
    package var hep: ReloadableSetting<Secret?>?

    package init(push: [String: ReloadableSetting<Secret?>] = [:], hep: ReloadableSetting<Secret?>? = nil) {
        self.push = push
        self.hep = hep
    }

    package func apply(_ configuration: CallwardenConfiguration) {
        for listener in configuration.streams.listeners {
            push[listener.name]?.publish(listener.secret)
        }
        if let hep, let next = configuration.hep {
            hep.publish(next.authKey)
        }
    }
}
