package import Logging
import CallModel
import Ingest
import SystemClock
import UnixSignals

/// `callwarden serve`: the long-running daemon.
///
/// Start-up: ``buildDaemon(configuration:logger:options:)`` (the store, the rules, the warmed-up
/// detector, SIP capture and HEP, and the services in their one order — read the order there),
/// then the services run; `READY=1` goes to systemd only when every listener is bound
/// (``BuiltDaemon/ready()``), its `STATUS=` naming every listener's bound address
/// (``ListenerReport``). A listener that cannot bind stops start-up with an error naming its
/// configuration key and address. With `WatchdogSec=` in the unit, ``SystemdWatchdog`` pings
/// systemd after `READY=1` for as long as the ingest loop keeps finishing rounds. Shutdown
/// (SIGTERM/SIGINT): `STOPPING=1`; SIGHUP re-reads the configuration (``ConfigurationReloader``);
/// the services stop in the reverse order, then the store closes.
package struct Daemon {
    package var configuration: CallwardenConfiguration
    package var logger: Logger
    /// The file `configuration` was read from; SIGHUP re-reads it (``ConfigurationReloader``).
    package var configurationPath: String?

    package init(configuration: CallwardenConfiguration, logger: Logger, configurationPath: String? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.configurationPath = configurationPath
    }

    package func run() async throws {
        let logger = self.logger
        logger.info("callwarden starting", metadata: ["version": "\(BuildInfo.version)", "commit": "\(BuildInfo.commit)"])
        let daemon = try await buildDaemon(
            configuration: configuration, logger: logger,
            options: DaemonBuildOptions(gracefulShutdownSignals: [.sigterm, .sigint], configurationPath: configurationPath))
        let watchdog = SystemdWatchdog.requestedPeriod().map { period in
            SystemdWatchdog(
                period: period, lastAlive: daemon.ingestLastRound,
                now: { WallClock.system.now().microsecondsSinceEpoch })
        }
        defer {
            watchdog?.stop()
            SystemdNotifier.notify("STOPPING=1")
            logger.info("callwarden stopped")
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await daemon.run() }
            tasks.addTask {
                // A listener that fails to bind fails `run()` too, which reports it; nothing to add here.
                guard let addresses = try? await daemon.ready() else { return }
                // STATUS= names every listener's bound address (``ListenerReport``).
                SystemdNotifier.notify("READY=1\nSTATUS=" + ListenerReport.status(summary: daemon.summary, addresses: addresses))
                watchdog?.start()
                logger.info(
                    "callwarden running",
                    metadata: [
                        "services": "\(daemon.services.map(\.name).joined(separator: ","))",
                        "listeners": "\(addresses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))",
                        "status": "\(daemon.summary)",
                    ])
            }
            try await tasks.waitForAll()
        }
    }
}
