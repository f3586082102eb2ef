package import CallModel
package import Incidents
package import Logging
package import MetricsExposition
import ServiceLifecycle
import Synchronization

/// Drains the outbox into every sink, one task per sink, each in outbox order.
///
/// Per sink: take the undelivered alerts; stop at the first whose retry is not yet due (so a
/// resolve never overtakes its firing); deliver; mark delivered only after the receiver confirmed;
/// on a retryable failure record the attempt and retry with ``RetrySchedule`` backoff; on a
/// definite refusal mark it with the error and count it. An idle sink looks again when ``wake``
/// rings (this process committed an alert: it leaves at once) and in any case every
/// ``pollInterval`` (alerts another process wrote, such as `callwarden mcid`, retries that became
/// due); sinks with a ``AlertSink/resendInterval`` re-send the active alerts.
///
/// Each round also records how many alerts wait for the sink (``AlertDeliveryCounters``, for
/// `/metrics`): from the round's own read when it saw them all, else from a count in the store at
/// most once per ``pendingCountInterval``.
///
/// The sinks come from an ``AlertSinkSet``: when a reload swaps it, each sink loop finishes the
/// delivery in flight and returns, and the dispatcher starts the loops of the new set (within one
/// ``pollInterval``: the fallback poll of the old set is the last task to notice).
///
/// Delivery is at least once: an answer lost after the receiver acted makes the alert go again,
/// with the same idempotency key. Deliberately not handled: per-sink concurrency (one request at a
/// time) and a wake-up across processes (the poll interval bounds that delay).
package struct AlertDispatcher: Service {
    package var outbox: any AlertOutbox
    /// The sinks in force (swapped by a reload).
    package let sinkSet: AlertSinkSet
    /// The sinks of the generation in force.
    package var sinks: [any AlertSink] { sinkSet.current.sinks }
    package var retry: RetrySchedule
    package var pollInterval: Duration
    /// Rung by the store after a commit that wrote an alert; nil: the poll alone.
    package var wake: AlertWakeSignal?
    /// Processing time for deliveries and retries (never event time): the daemon's one clock.
    package let clock: WallClock
    package var logger: Logger
    package let counters: AlertDeliveryCounters
    /// The shortest time between two counts of a sink's backlog in the store.
    package var pendingCountInterval: Duration = .seconds(1)
    /// Set when the outbox said another dispatcher delivers now (``Incidents/AlertOutboxLost``).
    private let outboxLost = OutboxLostFlag()

    package init(
        outbox: any AlertOutbox, sinks: [any AlertSink], retry: RetrySchedule = RetrySchedule(),
        pollInterval: Duration = .seconds(1), wake: AlertWakeSignal? = nil, clock: WallClock, logger: Logger,
        counters: AlertDeliveryCounters = AlertDeliveryCounters()
    ) {
        self.init(
            outbox: outbox, sinkSet: AlertSinkSet(sinks), retry: retry, pollInterval: pollInterval, wake: wake,
            clock: clock, logger: logger, counters: counters)
    }

    package init(
        outbox: any AlertOutbox, sinkSet: AlertSinkSet, retry: RetrySchedule = RetrySchedule(),
        pollInterval: Duration = .seconds(1), wake: AlertWakeSignal? = nil, clock: WallClock, logger: Logger,
        counters: AlertDeliveryCounters = AlertDeliveryCounters()
    ) {
        self.clock = clock
        self.outbox = outbox
        self.sinkSet = sinkSet
        self.retry = retry
        self.pollInterval = pollInterval
        self.wake = wake
        self.logger = logger
        self.counters = counters
        counters.register(sinks: sinkSet.current.sinks.map(\.name))
    }

    /// Runs until cancelled or a graceful shutdown; what is in flight is finished or left undelivered.
    /// Throws ``Incidents/AlertOutboxLost`` when the outbox said another dispatcher delivers now.
    package func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let generation = sinkSet.current
                counters.register(sinks: generation.sinks.map(\.name))
                await run(generation)
                if let lost = outboxLost.error { throw lost }
            }
        }
    }

    /// Serves one generation of sinks until a swap replaces it (or the task is cancelled).
    private func run(_ generation: AlertSinkSet.Generation) async {
        let sinkSet = self.sinkSet
        let outboxLost = self.outboxLost
        let inForce = { @Sendable in sinkSet.current.number == generation.number && outboxLost.error == nil }
        await withTaskGroup(of: Void.self) { group in
            // One doorbell per sink, keeping only the newest ring: a ring while the sink is busy
            // means one more round afterwards, never a lost alert.
            var doorbells: [AsyncStream<Void>.Continuation] = []
            for sink in generation.sinks {
                let (rings, doorbell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                doorbells.append(doorbell)
                group.addTask { await runLoop(for: sink, rings: rings, while: inForce) }
            }
            let subscription = wake?.subscribe(doorbells)
            let swapSubscription = sinkSet.changed.subscribe(doorbells)
            // The fallback poll; it ends the generation's doorbells when a swap replaced it.
            group.addTask { [pollInterval, doorbells] in
                while inForce(), (try? await Task.sleep(for: pollInterval)) != nil {
                    for doorbell in doorbells { doorbell.yield() }
                }
                for doorbell in doorbells { doorbell.finish() }
            }
            await group.waitForAll()
            if let subscription { wake?.unsubscribe(subscription) }
            sinkSet.changed.unsubscribe(swapSubscription)
        }
    }

    /// Resend and pending-count intervals are monotonic (`ContinuousClock`), deliberately not the
    /// injected WallClock; retry times and delivery marks are processing time (`clock`).
    private func runLoop(for sink: any AlertSink, rings: AsyncStream<Void>, while inForce: @Sendable () -> Bool) async {
        var lastResend: ContinuousClock.Instant?
        var lastPendingCount: ContinuousClock.Instant?
        var random = SystemRandomNumberGenerator()
        var nextRing = rings.makeAsyncIterator()
        while !Task.isCancelled && inForce() {
            let busy = await step(sink, lastResend: &lastResend, lastPendingCount: &lastPendingCount, random: &random)
            if busy { continue }
            guard await nextRing.next() != nil else { return }
        }
    }

    /// One round for one sink; true when it delivered something (look again at once).
    func step(
        _ sink: any AlertSink, lastResend: inout ContinuousClock.Instant?, lastPendingCount: inout ContinuousClock.Instant?,
        random: inout some RandomNumberGenerator
    ) async -> Bool {
        let now = clock.now()
        let pending: [PendingAlert]
        let limit = max(1, sink.batchSize)
        do {
            pending = try outbox.pendingAlerts(forSink: sink.name, dueAt: now, limit: limit)
        } catch {
            logger.error("alert outbox unreadable", metadata: ["alert.sink": "\(sink.name)", "error": "\(error)"])
            return false
        }
        recordBacklog(of: sink, read: pending.count, limit: limit, now: now, lastCount: &lastPendingCount)
        let due = pending.prefix { $0.nextAttemptAt.map { $0 <= now } ?? true }
        if !due.isEmpty {
            // Delivered but not recorded: wait for the next ring or poll rather than send it again at once.
            let recorded = await deliver(Array(due), to: sink, random: &random)
            return recorded && due.count == pending.count && !Task.isCancelled
        }
        counters.count(\.idleRounds, sink: sink.name)
        if pending.isEmpty, let interval = sink.resendInterval {
            let clock = ContinuousClock()
            if lastResend.map({ $0.duration(to: clock.now) >= interval }) ?? true {
                lastResend = clock.now
                await resendActive(to: sink)
            }
        }
        return false
    }

    /// Sets the sink's pending gauge: the read is the whole backlog when it came back short of its
    /// limit; otherwise the store counts it (at most once per ``pendingCountInterval``).
    private func recordBacklog(
        of sink: any AlertSink, read: Int, limit: Int, now: Timestamp, lastCount: inout ContinuousClock.Instant?
    ) {
        if read < limit {
            counters.setPending(read, sink: sink.name)
            return
        }
        let clock = ContinuousClock()
        if let last = lastCount, last.duration(to: clock.now) < pendingCountInterval { return }
        lastCount = clock.now
        if let count = try? outbox.pendingAlertCount(forSink: sink.name, at: now) {
            counters.setPending(count, sink: sink.name)
        }
    }

    /// Delivers a batch; false when a delivery could not be recorded in the outbox.
    @discardableResult
    private func deliver(_ batch: [PendingAlert], to sink: any AlertSink, random: inout some RandomNumberGenerator) async -> Bool {
        let failure: AlertDeliveryError
        do {
            try await sink.deliver(batch.map(\.notice))
            var recorded = true
            for alert in batch where outboxLost.error == nil { recorded = record(delivered: alert, sink: sink) && recorded }
            return recorded && outboxLost.error == nil
        } catch {
            failure = (error as? AlertDeliveryError) ?? .retryable(String(describing: error))
        }
        guard let alert = batch.first else { return true }
        switch failure {
        case .rejected(let reason) where batch.count > 1:
            logger.warning("alert batch refused; delivering one by one", metadata: ["alert.sink": "\(sink.name)", "error": "\(reason)"])
            for alert in batch {
                await deliver([alert], to: sink, random: &random)
            }
        case .rejected(let reason):
            logger.error(
                "alert refused by its receiver; not retried",
                metadata: ["alert.sink": "\(sink.name)", "alert.id": "\(alert.notice.key)", "error": "\(reason)"])
            counters.count(\.rejected, sink: sink.name)
            return record(delivered: alert, sink: sink)
        case .retryable(let reason):
            let attempts = alert.attempts + 1
            let retryAt = retry.retryTime(afterAttempts: attempts, now: clock.now(), random: &random)
            counters.count(\.failedAttempts, sink: sink.name)
            logger.warning(
                "alert delivery failed; will retry",
                metadata: [
                    "alert.sink": "\(sink.name)", "alert.id": "\(alert.notice.key)", "alert.attempts": "\(attempts)",
                    "alert.retry_at": "\(retryAt.rfc3339)", "error": "\(reason)",
                ])
            do {
                try outbox.markFailed(alertID: alert.notice.id, sink: sink.name, retryAt: retryAt, error: reason)
            } catch let lost as AlertOutboxLost {
                outboxLost.set(lost)
                logger.warning("alert outbox taken over by another node; this dispatcher stops", metadata: ["error": "\(lost)"])
            } catch {
                logger.error("alert outbox not updated", metadata: ["alert.sink": "\(sink.name)", "error": "\(error)"])
            }
        }
        return true
    }

    private func record(delivered alert: PendingAlert, sink: any AlertSink) -> Bool {
        do {
            try outbox.markDelivered(alertID: alert.notice.id, sink: sink.name, at: clock.now())
            counters.count(\.delivered, sink: sink.name)
            return true
        } catch let lost as AlertOutboxLost {
            // Another node delivers now; it sends this alert again with the same idempotency key.
            outboxLost.set(lost)
            logger.warning("alert outbox taken over by another node; this dispatcher stops", metadata: ["error": "\(lost)"])
            return false
        } catch {
            // Delivered but not recorded: it goes again (same idempotency key) on a later round.
            logger.error("alert delivered but not recorded", metadata: ["alert.sink": "\(sink.name)", "error": "\(error)"])
            return false
        }
    }

    private func resendActive(to sink: any AlertSink) async {
        do {
            let active = try outbox.activeAlerts()
            guard !active.isEmpty else { return }
            try await sink.resend(active)
            counters.count(\.resent, sink: sink.name, by: active.count)
        } catch {
            logger.warning("re-sending active alerts failed", metadata: ["alert.sink": "\(sink.name)", "error": "\(error)"])
        }
    }
}

/// Delivery counts per sink since start, for tests, logs and `/metrics` (a
/// ``MetricsExposition/MetricsSource``: `callwarden_alerts_*` labelled `sink`). Updated by the
/// dispatcher under a lock of their own, once per delivery (never on the call path).
package final class AlertDeliveryCounters: MetricsSource {
    package struct Counts: Hashable, Sendable {
        /// Alerts marked done for the sink: confirmed by its receiver, or refused for good.
        package var delivered = 0
        package var failedAttempts = 0
        /// Alerts the receiver refused for good (400, 413, 422); also counted in ``delivered``.
        package var rejected = 0
        package var resent = 0
        /// Alerts waiting for the sink at its last round (a gauge).
        package var pending = 0
        /// Rounds that read the outbox and found nothing due (the sink then waits for a ring or the poll).
        package var idleRounds = 0
    }

    /// Counts by sink, and the sinks in the order first seen (so the exposition is stable).
    private let state = Mutex<(counts: [String: Counts], order: [String])>(([:], []))

    package init() {}

    /// Makes `sinks` known, so that they are exported (at 0) before anything happens to them.
    package func register(sinks: [String]) {
        for sink in sinks { update(sink) { _ in } }
    }

    package func count(_ field: WritableKeyPath<Counts, Int> & Sendable, sink: String, by amount: Int = 1) {
        update(sink) { $0[keyPath: field] += amount }
    }

    /// Sets how many alerts wait for `sink`.
    package func setPending(_ pending: Int, sink: String) {
        update(sink) { $0.pending = pending }
    }

    private func update(_ sink: String, _ change: (inout Counts) -> Void) {
        state.withLock { state in
            if state.counts[sink] == nil { state.order.append(sink) }
            change(&state.counts[sink, default: Counts()])
        }
    }

    package func collectMetrics(into collector: inout MetricsCollector) {
        let (all, sinks) = state.withLock { ($0.counts, $0.order) }
        for sink in sinks {
            let counts = all[sink] ?? Counts()
            collector.counter(
                "callwarden_alerts_delivered_total",
                help: "Alerts done for a sink: confirmed by its receiver, or refused for good (see refused).",
                labels: ["sink": sink], value: counts.delivered)
            collector.counter(
                "callwarden_alerts_refused_total", help: "Alerts a sink's receiver refused for good (400, 413, 422); not retried.",
                labels: ["sink": sink], value: counts.rejected)
            collector.counter(
                "callwarden_alert_delivery_failures_total", help: "Failed delivery attempts, retried with backoff.",
                labels: ["sink": sink], value: counts.failedAttempts)
            collector.counter(
                "callwarden_alerts_resent_total", help: "Active alerts re-sent (Alertmanager).", labels: ["sink": sink],
                value: counts.resent)
            collector.gauge(
                "callwarden_alerts_pending", help: "Outbox alerts the sink has not delivered yet (within the last week).",
                labels: ["sink": sink], value: counts.pending)
        }
    }

    /// The counts of one sink.
    package func counts(for sink: String) -> Counts {
        state.withLock { $0.counts[sink] ?? Counts() }
    }
}

/// Whether (and why) the outbox refused this dispatcher's marks for good; read by every sink loop.
private final class OutboxLostFlag: Sendable {
    private let lost = Mutex<AlertOutboxLost?>(nil)
    var error: AlertOutboxLost? { lost.withLock { $0 } }
    func set(_ error: AlertOutboxLost) { lost.withLock { $0 = $0 ?? error } }
}
