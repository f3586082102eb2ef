package import Logging
import UnixSignals

/// `callwarden serve`: the long-running daemon.
///
/// Start-up: ``buildDaemon(configuration:logger:options:)`` (the store, the rules, the warmed-up
/// detector, SIP capture and HEP, and the services in their one order — read the order there),
/// then the services run; `READY=1` goes to systemd only when every listener is bound
/// (``BuiltDaemon/ready()``), its `STATUS=` naming every listener's bound address
/// (``ListenerReport``). A listener that cannot bind stops start-up with an error naming its
/// configuration key and address. Shutdown (SIGTERM/SIGINT): `STOPPING=1`; the services stop in
/// the reverse order, then the store closes.
package struct Daemon {
    package var configuration: CallwardenConfiguration
    package var logger: Logger

    package init(configuration: CallwardenConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    package func run() async throws {
        let logger = self.logger
        let daemon = try await buildDaemon(
            configuration: configuration, logger: logger,
            options: DaemonBuildOptions(gracefulShutdownSignals: [.sigterm, .sigint]))
        defer {
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
