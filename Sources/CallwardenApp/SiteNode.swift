import AlertDelivery
import CallModel
import CDRIngest
import Foundation
import Logging
import PostgresStore
import SystemClock

#if canImport(Glibc)
import Glibc
#endif

/// What `serve` does differently on a node of several sites (`store.url`, the shared PostgreSQL;
/// ``buildDaemon(configuration:logger:options:)`` keeps the one start-up order):
///
/// - events, rules, detections, incidents and the alert outbox live in the shared store; the
///   node's own file (`store.path`) keeps the evidence signing key;
/// - the node's ingest loop stores its events without counting them: one ``CrossSiteDetection``
///   counts every node's calls, on the node holding its lease;
/// - the alert dispatcher, cross-site detection and retention each run on the one node holding
///   their ``PostgresJobLease`` (``LeasedJob``), and move to another node when it stops or dies;
/// - any node's rule change wakes every node's refresher (``PostgresRuleFeed``); the call path
///   decides from the last published snapshot whatever PostgreSQL is doing.
///
/// The people's API and console (`api.listen`) and the recording watcher (`recordings.directories`)
/// work on the shared store like every other port: a token issued at one site works at all, an
/// incident is the same at every site. A CDR file's history import
/// (`cdr.files[n].start: beginning`) works as on SQLite: the node records its cutoff in
/// `history_imports`, and the cross-site detector stores an episode that ended before the latest
/// cutoff of any node as historical (no incident, no alert; `PostgresStore+History.swift`).
///
/// While PostgreSQL is unreachable the node decides from its last rules, `/healthz` says
/// `degraded`, files wait at their checkpoints and pushed events go to the bounded local spool in
/// the node's own SQLite file (`store.spool_limit`; `Ingest.IngestLoop`, `IngestLoop+Spool.swift`),
/// moved to PostgreSQL exactly once when it answers again.
enum SiteNode {
    static let alertOutboxJob = "alert-outbox"
    /// How long a dead node's jobs wait before another node takes them.
    static let leaseTTL: Duration = .seconds(10)

    static func openSharedStore(
        _ shared: SharedStoreSettings, configuration: CallwardenConfiguration, alertWake: AlertWakeSignal,
        clock: WallClock, logger: Logger
    ) throws -> PostgresStore {
        do {
            let store = try PostgresStore(
                settings: shared.postgres, node: shared.node, logger: logger, alertPolicy: configuration.incidents.alertPolicy,
                onAlertCommitted: { alertWake.ring() }, clock: clock)
            logger.info("shared store opened", metadata: ["store.url": "\(shared.postgres)", "store.node": "\(shared.node)"])
            return store
        } catch {
            throw ConfigurationError(key: "store.url", reason: "\(shared.postgres): \(error)")
        }
    }

    /// This process as a lease holder: the node name, the process id and when it started, so a
    /// restarted node is a new holder (its old tenure is fenced off).
    static let holderSuffix = "/\(getpid())/\(Int64(Date().timeIntervalSince1970 * 1_000))"

    static func leased(
        _ job: String, store: PostgresStore, logger: Logger,
        _ body: @escaping @Sendable (PostgresJobLease, PostgresJobLease.Grant) async throws -> Void
    ) -> LeasedJob {
        let lease = PostgresJobLease(job: job, holder: store.node + holderSuffix, ttl: leaseTTL, store: store)
        return LeasedJob(lease: lease, logger: logger) { grant in try await body(lease, grant) }
    }

    /// The rule feed, cross-site detection and retention, in that order.
    static func sharedServices(
        _ shared: PostgresStore, configuration: CallwardenConfiguration, rules: RuleSnapshotRefresher,
        exemptions: CountingExemptionsMailbox, currentConfiguration: @escaping @Sendable () -> CallwardenConfiguration,
        alertSinks: @escaping @Sendable () -> Set<String>, clock: WallClock, logger: Logger
    ) -> [DaemonService] {
        guard let settings = configuration.sharedStore?.postgres else { return [] }
        let feed = PostgresRuleFeed(settings: settings, logger: logger) { _ in _ = try rules.refresh(force: true) }
        let detection = leased(CrossSiteDetection.job, store: shared, logger: logger) { lease, grant in
            // Each tenure takes the thresholds in force (a reload's new ones at the next tenure).
            let current = currentConfiguration()
            try await CrossSiteDetection(
                store: shared, makeProcessor: { current.makeProcessor() }, warmUpHorizon: current.warmUpHorizon,
                exemptions: exemptions, clock: clock, logger: logger
            ).run(lease: lease, grant: grant)
        }
        let retention = leased(SharedRetention.job, store: shared, logger: logger) { lease, grant in
            try await SharedRetention(
                store: shared, retention: currentConfiguration().retention, alertSinks: alertSinks, now: { clock.now() },
                logger: logger
            ).run(lease: lease, grant: grant)
        }
        return [
            DaemonService(name: "rules.feed", service: feed),
            DaemonService(name: "detection.cross-site", service: detection),
            DaemonService(name: "store.retention", service: retention),
        ]
    }
}
