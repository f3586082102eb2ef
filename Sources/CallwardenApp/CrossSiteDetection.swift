package import CallModel
package import CallPipeline
import CallwardenPorts
import Ingest
package import Logging
package import PostgresStore
package import SystemClock

/// Detection across sites: one detector over the events **every** node stored in the shared
/// PostgreSQL, run by the one node holding the `cross-site-detection` lease (``LeasedJob``). A caller
/// who rings three offices a few times each is one repeat caller, seen once, with one incident.
///
/// How it reads: per node, every event after that node's cursor (``PostgresStore/crossSiteEvents(limit:)``),
/// sorted by counted time, through the same ``CallEventProcessor`` the ingest loop uses; its
/// detections (with their incidents and alerts) and automatic rules are committed with the new
/// cursors in one transaction fenced by the grant (``PostgresStore/commitCrossSite(_:cursors:lease:grant:)``).
/// A new holder warms the detector up from the events before the cursors (the detection window),
/// so windows and escalation continue across a failover, and goes on from the cursors: no event
/// is counted twice, none skipped.
///
/// Latency: a call counts across sites one poll after the node that took it committed it (its
/// ingest commit, then ``pollInterval``; ARCHITECTURE.md, "Several sites").
///
/// Deliberately not handled here: episodes of imported history (a site node refuses
/// `start: beginning` for that reason), and calls a node stores late after a long outage, which
/// are counted as if live (their episodes open incidents when they reach a threshold). The
/// decision path is never involved (it decides from each node's own rules snapshot).
package struct CrossSiteDetection: Sendable {
    package let store: PostgresStore
    package let makeProcessor: @Sendable () -> CallEventProcessor
    /// How far back a new holder warms up: the longest detection window.
    package let warmUpHorizon: TimeSpan
    /// The allow list and escalation resets, as the rules refresher posts them.
    package let exemptions: CountingExemptionsMailbox?
    package var pollInterval: Duration
    package var batchSize: Int
    package let clock: WallClock
    package let logger: Logger

    package init(
        store: PostgresStore, makeProcessor: @escaping @Sendable () -> CallEventProcessor, warmUpHorizon: TimeSpan,
        exemptions: CountingExemptionsMailbox?, pollInterval: Duration = .seconds(1), batchSize: Int = 4_096,
        clock: WallClock, logger: Logger
    ) {
        self.store = store
        self.makeProcessor = makeProcessor
        self.warmUpHorizon = warmUpHorizon
        self.exemptions = exemptions
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.clock = clock
        self.logger = logger
    }

    /// The lease's job name.
    package static let job = "cross-site-detection"

    /// Runs the detector while `grant` holds; returns when cancelled (the lease ended) and throws
    /// when PostgreSQL fails or the grant was fenced off. Blocking work runs on a thread of its own.
    package func run(lease: PostgresJobLease, grant: PostgresJobLease.Grant) async throws {
        let control = LoopControl()
        try await withTaskCancellationHandler {
            try await DedicatedThread.run(name: "callwarden-cross-site", priority: .bulk) { try detect(lease: lease, grant: grant, control: control) }
        } onCancel: {
            control.requestStop(.cancel)
        }
    }

    private func detect(lease: PostgresJobLease, grant: PostgresJobLease.Grant, control: LoopControl) throws {
        var processor = makeProcessor()
        exemptions?.apply(to: &processor)
        let history = try store.crossSiteHistory(countedSince: clock.now() - warmUpHorizon, limit: 2_000_000)
        processor.warmUp(with: history)
        logger.info("cross-site detection warmed up", metadata: ["warmup.events": "\(history.count)", "lease.fence": "\(grant.fence)"])
        while control.current == .run {
            exemptions?.apply(to: &processor)
            let next = try store.crossSiteEvents(limit: batchSize)
            guard !next.events.isEmpty else {
                control.sleep(pollInterval)
                continue
            }
            var batch = IngestBatch()
            for event in next.events {
                processor.process(event, into: &batch)
            }
            batch.events.removeAll()  // stored already by the nodes that took the calls
            try store.commitCrossSite(batch, cursors: next.cursors, lease: lease, grant: grant)
        }
    }
}
