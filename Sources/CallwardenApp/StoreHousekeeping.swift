package import CallModel
package import Logging
import ServiceLifecycle
package import SQLiteStore

/// The daemon's housekeeping: at start-up and then every `store.retention.purge_interval` it
/// removes from the store what has served its purpose (``StoreRetentionSettings``): alerts no sink
/// needs any more, old idempotency keys of pushed events, ordinary callers' calls past
/// `store.retention.calls`, and closed incidents past `store.retention.incidents` (one per
/// transaction, with everything they rest on, recorded in the audit log).
///
/// Off the call path: it runs on its own task, deletes in chunks of at most ``chunk`` rows, each
/// its own short transaction, and yields between them, so ingestion commits in between. Pushed-event
/// keys are found by walking the whole table in chunks of ``chunk`` keys (reads; `stored_at` has
/// no index, so that commits do not pay for one). One log
/// line per round that removed something; a failure is logged and the round tried again at the
/// next interval.
///
/// Deliberately not handled: the evidence of incidents that are not closed (legal hold), and the
/// rules (removed by people, `callwarden blocks`, or by their expiry).
package struct StoreHousekeeping: Service {
    package var store: SQLiteStore
    package var retention: StoreRetentionSettings
    /// The names of the alert sinks in force (a reload may change them): an alert still pending for
    /// one of them (not confirmed, and within the outbox's week-long horizon) is kept.
    package var alertSinks: @Sendable () -> Set<String>
    package var logger: Logger
    package var now: @Sendable () -> Timestamp
    /// Rows per transaction (and keys per read of the walk over pushed-event keys).
    package var chunk: Int

    package init(
        store: SQLiteStore, retention: StoreRetentionSettings, alertSinks: @escaping @Sendable () -> Set<String>, logger: Logger,
        now: @escaping @Sendable () -> Timestamp, chunk: Int = 2_000
    ) {
        self.store = store
        self.retention = retention
        self.alertSinks = alertSinks
        self.logger = logger
        self.now = now
        self.chunk = chunk
    }

    /// What one round removed.
    package struct Purged: Hashable, Sendable {
        package var alerts = 0
        package var pushedEventKeys = 0
        package var callEvents = 0
        package var recordings = 0
        package var incidents = 0
    }

    package func run() async throws {
        let interval = Duration.microseconds(retention.purgeInterval.microseconds)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let purged = try await purge()
                if purged != Purged() {
                    logger.info(
                        "store housekeeping purged",
                        metadata: [
                            "purged.alerts": "\(purged.alerts)", "purged.pushed_event_keys": "\(purged.pushedEventKeys)",
                            "purged.call_events": "\(purged.callEvents)", "purged.recordings": "\(purged.recordings)",
                            "purged.incidents": "\(purged.incidents)",
                        ])
                }
            } catch {
                logger.warning("store housekeeping failed; trying again at the next interval", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// One round: purges chunk by chunk until nothing more is due (or the service is stopping).
    ///
    /// - Throws: the store's error; what earlier chunks removed stays removed.
    package func purge() async throws -> Purged {
        let time = now()
        var purged = Purged()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let removed = try store.purgeAlerts(
                createdBefore: time - retention.deliveredAlerts, sinks: alertSinks(), now: time, limit: chunk)
            purged.alerts += removed
            guard removed == chunk else { break }
            await Task.yield()
        }
        var position: PushedEventKeyPosition?
        repeat {
            let step = try store.purgePushedEventKeys(
                storedBefore: time - retention.pushedEventKeys, after: position, limit: chunk)
            purged.pushedEventKeys += step.purged
            position = step.next
            await Task.yield()
        } while position != nil && !Task.isCancelled && !Task.isShuttingDownGracefully
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let removed = try store.purgeOrdinaryCalls(countedBefore: time - retention.calls, limit: chunk)
            purged.callEvents += removed.events
            purged.recordings += removed.recordings
            guard removed.events == chunk || removed.recordings == chunk else { break }
            await Task.yield()
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully,
            try store.purgeNextClosedIncident(closedBefore: time - retention.incidents, actor: "retention", at: time) != nil
        {
            purged.incidents += 1
            await Task.yield()
        }
        return purged
    }
}
