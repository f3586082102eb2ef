package import CallModel
import Ingest
package import Logging
package import PostgresStore

/// Retention on the shared PostgreSQL store (``StoreRetentionSettings``, the same `store.retention`
/// keys and meaning as ``StoreHousekeeping`` on SQLite), run by the one node holding the
/// `retention` lease (``LeasedJob``): at once when it takes the lease, then every
/// `purge_interval`. Each round purges step by step (``PostgresStore/purge(_:lease:grant:)``, each
/// part a short fenced transaction) until a step removes nothing; one log line per round that
/// removed something, with counts only.
///
/// Recording links and MCID-flagged calls are handled as in SQLite (a flagged call stays with its
/// incident); every delete of a chained row is an entry in the shared evidence chain.
package struct SharedRetention: Sendable {
    package let store: PostgresStore
    package let retention: StoreRetentionSettings
    /// The alert sinks in force: an alert still pending for one of them is kept.
    package let alertSinks: @Sendable () -> Set<String>
    package let now: @Sendable () -> Timestamp
    package let logger: Logger
    package var chunk: Int

    package init(
        store: PostgresStore, retention: StoreRetentionSettings, alertSinks: @escaping @Sendable () -> Set<String>,
        now: @escaping @Sendable () -> Timestamp, logger: Logger, chunk: Int = 2_000
    ) {
        self.store = store
        self.retention = retention
        self.alertSinks = alertSinks
        self.now = now
        self.logger = logger
        self.chunk = chunk
    }

    /// The lease's job name.
    package static let job = "retention"

    /// Rounds while `grant` holds: returns when cancelled; throws when a step was fenced off.
    package func run(lease: PostgresJobLease, grant: PostgresJobLease.Grant) async throws {
        while !Task.isCancelled {
            do {
                let total = try await round(lease: lease, grant: grant)
                if !total.isEmpty {
                    logger.info(
                        "shared store retention purged",
                        metadata: [
                            "purged.call_events": "\(total.calls)", "purged.incidents": "\(total.incidents.count)",
                            "purged.alerts": "\(total.alerts)", "purged.recordings": "\(total.recordings)", "purged.pushed_event_keys": "\(total.pushedEventKeys)",
                        ])
                }
            } catch let error as PostgresStoreError where error.code == .fenced {
                throw error
            } catch {
                logger.warning("shared store retention failed; trying again at the next interval", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .microseconds(retention.purgeInterval.microseconds))
        }
    }

    /// One round: steps until one removes nothing (or the task is cancelled); the total removed.
    package func round(lease: PostgresJobLease, grant: PostgresJobLease.Grant) async throws -> SharedPurgeCounts {
        var total = SharedPurgeCounts()
        while !Task.isCancelled {
            let now = self.now()
            let purge = SharedPurge(
                callsBefore: now - retention.calls, closedIncidentsBefore: now - retention.incidents,
                alertsBefore: now - retention.deliveredAlerts, sinks: alertSinks(),
                pushedEventKeysBefore: now - retention.pushedEventKeys, now: now, limit: chunk)
            let store = self.store
            let step = try await DedicatedThread.run(name: "callwarden-retention", priority: .bulk) {
                try store.purge(purge, lease: lease, grant: grant)
            }
            if step.isEmpty { break }
            total.calls += step.calls
            total.recordings += step.recordings
            total.incidents += step.incidents
            total.alerts += step.alerts
            total.pushedEventKeys += step.pushedEventKeys
        }
        return total
    }
}
