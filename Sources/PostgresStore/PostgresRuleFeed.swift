package import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Wakes this node's rule refresher when any node changes a rule: a connection of its own that
/// `LISTEN`s on the rules channel, which the `rules` trigger notifies in the changing transaction
/// (delivered when it commits, so the change is in the table when the node reads it).
///
/// ``onChange`` is called on a thread pool thread (it may block: it re-reads the rules from the
/// store), once per notification and once after every (re)connection with `reconnected` true: a
/// node cut off from PostgreSQL catches up from the table, never from memory, because `LISTEN` is
/// in place before that read. Notifications that arrive while a call is running are coalesced into
/// one more call. A lost connection is retried every ``retryInterval`` (logged once per outage).
///
/// Deliberately not handled: carrying the rules in the notification (the table is the truth; a
/// notification only says "read again"), and more than one channel.
package final class PostgresRuleFeed: Service, Sendable {
    package let settings: PostgresSettings
    package let retryInterval: Duration
    package let logger: Logger
    private let onChange: @Sendable (_ reconnected: Bool) throws -> Void
    /// Whether the current outage was logged already (one warning per outage).
    private let outageLogged = Atomic<Bool>(false)

    package init(
        settings: PostgresSettings, retryInterval: Duration = .seconds(1), logger: Logger,
        onChange: @escaping @Sendable (_ reconnected: Bool) throws -> Void
    ) {
        self.settings = settings
        self.retryInterval = retryInterval
        self.logger = logger
        self.onChange = onChange
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await self.listenUntilDisconnected() }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                if !outageLogged.exchange(true, ordering: .relaxed) {
                    logger.warning(
                        "rule feed lost PostgreSQL; rules stay as last read until it returns",
                        metadata: ["error": "\(PostgresStoreError.from(error))"])
                }
            }
            let interval = retryInterval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    private func listenUntilDisconnected() async throws {
        let connection = try await PostgresConnection.connect(
            configuration: settings.connectionConfiguration, id: 0, logger: logger)
        do {
            try await connection.listen(on: PostgresSchema.rulesChannel) { notifications in
                // LISTEN is in place: whatever changed while this node was cut off is in the table.
                try await self.callOnChange(reconnected: true)
                if outageLogged.exchange(false, ordering: .relaxed) {
                    logger.notice("rule feed connected to PostgreSQL again; rules re-read from the table")
                }
                for try await _ in notifications {
                    try await self.callOnChange(reconnected: false)
                }
            }
        } catch {
            // postgres-nio requires a connection closed before it goes, however it ended.
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private func callOnChange(reconnected: Bool) async throws {
        let onChange = self.onChange
        try await NIOThreadPool.singleton.runIfActive { try onChange(reconnected) }
    }
}
