package import Logging
package import MetricsExposition
package import NIOCore
package import ServiceLifecycle
package import SQLiteStore
import PostgresStore
import Ingest
package import UnixSignals

/// One part of the running daemon, as it appears in the builder's ordered list: a name (the
/// configuration key it comes from, or its role), the service, and — for a listener — its
/// ``ListenerBinding``.
package struct DaemonService: Sendable {
    package var name: String
    package var service: any Service
    package var listener: ListenerBinding?

    package init(name: String, service: any Service, listener: ListenerBinding? = nil) {
        self.name = name
        self.service = service
        self.listener = listener
    }
}

/// The daemon ``buildDaemon(configuration:logger:options:)`` made: its store opened, its rules
/// compiled, its detector warmed up, its capture and HEP sockets open, and its services in the
/// order they start (they stop in the reverse order). ``run()`` runs them; ``ready()`` returns once
/// every listener is bound, with the bound addresses; ``shutdown()`` stops them gracefully.
package final class BuiltDaemon: Sendable {
    /// The services in start-up order; shutdown is the reverse.
    package let services: [DaemonService]
    package let store: SQLiteStore
    /// Everything that counts, rendered by `GET /metrics`.
    package let registry: MetricsRegistry
    /// A line for systemd's `STATUS=` and the start-up log.
    package let summary: String
    /// When the ingest loop last finished a round (microseconds since the epoch, 0: not yet):
    /// what the systemd watchdog checks before each ping.
    package let ingestLastRound: @Sendable () -> Int64
    /// Re-reads the configuration file (SIGHUP); holds the configuration in force.
    package let reloader: ConfigurationReloader
    /// A node of several sites: the shared PostgreSQL store, closed with the local one.
    private let sharedStore: PostgresStore?
    private let group: ServiceGroup

    init(
        services: [DaemonService], store: SQLiteStore, registry: MetricsRegistry, summary: String,
        ingestLastRound: @escaping @Sendable () -> Int64, reloader: ConfigurationReloader,
        sharedStore: PostgresStore? = nil, gracefulShutdownSignals: [UnixSignal], logger: Logger
    ) {
        self.reloader = reloader
        self.sharedStore = sharedStore
        self.services = services
        self.store = store
        self.registry = registry
        self.summary = summary
        self.ingestLastRound = ingestLastRound
        self.group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { .init(service: $0.service) },
                gracefulShutdownSignals: gracefulShutdownSignals, logger: logger))
    }

    /// Runs every service until a graceful shutdown (a configured signal, or ``shutdown()``) or the
    /// first failure, then closes the store (on a thread of its own; a store that cannot close yet is left to the
    /// process's end).
    package func run() async throws {
        do {
            try await group.run()
        } catch {
            abandonListeners(error)
            try? await closeStore()
            throw error
        }
        abandonListeners(CancellationError())
        try? await closeStore()
    }

    /// Waits until every listener is bound; the bound addresses by service name (`decision.http`,
    /// `decision.agi`, `metrics.http`, `api.listen`, `push:tcp:127.0.0.1:0`...). Throws
    /// the first listener's start-up error.
    package func ready() async throws -> [String: SocketAddress] {
        var addresses: [String: SocketAddress] = [:]
        for service in services {
            guard let listener = service.listener else { continue }
            addresses[service.name] = try await listener.address()
        }
        return addresses
    }

    /// What SIGHUP does: re-reads the configuration file and puts it in force, or refuses it.
    @discardableResult
    package func reload() async -> ReloadOutcome { await reloader.reload() }

    /// Starts a graceful shutdown: the services stop in reverse order.
    package func shutdown() async {
        await group.triggerGracefulShutdown()
    }

    private func abandonListeners(_ error: any Error) {
        for service in services { service.listener?.failed(error) }
    }

    private func closeStore() async throws {
        let store = self.store
        let shared = self.sharedStore
        try await DedicatedThread.run(name: "callwarden-close") {
            shared?.close()
            try store.close()
        }
    }
}
