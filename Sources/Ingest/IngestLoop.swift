package import CallModel
package import SystemClock
package import CallPipeline
package import CallwardenPorts
package import Logging
import ServiceLifecycle

/// The daemon's ingest loop: reads every source in the order given (checkpointed files first,
/// then the acknowledged sources, once per round), processes what it read through the
/// ``CallPipeline/CallEventProcessor`` and commits one ``CallwardenPorts/IngestBatch`` per step:
///
/// - a ``CallwardenPorts/CheckpointedSource`` step commits events, detections, rules and the
///   source's checkpoint in one transaction, so a kill -9 at any moment loses and duplicates
///   nothing that came from a file;
/// - an ``CallwardenPorts/AcknowledgedSource`` step commits what one `drain` handed out (with
///   ``CallwardenPorts/EventStore/commitPushed(_:)``, so a resend is stored once) and then tells
///   the source, which acknowledges to its sender. An event drained but not committed when the
///   process dies is lost unless its sender resends it.
///
/// It runs on a thread of its own (`callwarden-ingest`), which owns the processor and the sources:
/// every blocking store call happens there, never on the cooperative pool; `run()` only awaits the
/// thread. An idle round sleeps ``pollInterval`` on a condition variable that a stop request ends.
/// A failed commit is retried with backoff (the batch is kept, the checkpoint has not moved, the
/// file keeps what comes next) until it succeeds or the service is cancelled; once a graceful
/// shutdown is asked, at most ``commitAttemptsWhileStopping`` more times, then the loop gives the
/// batch up and stops (logged): a file is read again from its checkpoint at the next start, and
/// pushed events that were never acknowledged are resent by their senders, exactly as after a
/// kill -9. A store that never recovers must not hold the stop until systemd kills the process.
///
/// With a ``CallwardenPorts/EventSpool`` (a site node on the shared PostgreSQL), a store that fails
/// does not hold the loop: see `IngestLoop+Spool.swift`. Pushed events go to the spool, are
/// acknowledged, and move to the store when it answers again; files wait at their checkpoints.
///
/// Graceful shutdown: the current step finishes, the acknowledged sources are drained and committed
/// once more (a bounded number of rounds, in case one is still being fed), then `run()` returns.
/// Deliberately not handled: running `run()` twice (one loop, one run).
package final class IngestLoop: Service, @unchecked Sendable {
    // @unchecked: `processor` and the sources are touched only by the loop's thread.

    /// The sources, in the order given.
    package let sources: [any IngestSource]
    let checkpointed: [any CheckpointedSource]
    let acknowledged: [any AcknowledgedSource]
    let store: any EventStore
    var processor: CallEventProcessor
    /// Receives the detections of each committed step, on the loop's thread.
    let onCommitted: @Sendable ([Detection]) -> Void
    /// Where pushed events wait while the store cannot take them (nil: the loop retries in place).
    let spool: (any EventSpool)?
    /// The spool's state, kept by the loop's thread (`IngestLoop+Spool.swift`).
    var spooling = SpoolingState()
    /// How long an idle round sleeps.
    package let pollInterval: Duration
    /// The most records (lines, pushed events) one step reads from one source.
    package let maximumPerStep: Int
    let clock: WallClock
    /// Called on the loop's thread at the start of every round with the processor (the daemon
    /// hands it the store's allow list and escalation resets when they changed). Must not block.
    private let beforeRound: (@Sendable (inout CallEventProcessor) -> Void)?
    let logger: Logger
    /// What the loop counts, for `/metrics` (labelled with the sources' names).
    package let metrics: IngestLoopMetrics
    let control = LoopControl()
    private let replacements = ProcessorReplacements()

    /// - Parameters:
    ///   - sources: each a ``CallwardenPorts/CheckpointedSource`` or an
    ///     ``CallwardenPorts/AcknowledgedSource`` (a source of neither kind is a programming error).
    ///   - processor: already warmed up from the store (the builder does that before `READY=1`).
    ///   - clock: processing time, for checkpoints and the liveness gauge.
    ///   - beforeRound: run on the loop's thread before each round, with the processor.
    ///   - spool: where pushed events wait while `store` fails (a site node's own SQLite file).
    package init(
        sources: [any IngestSource], store: any EventStore, processor: CallEventProcessor,
        onCommitted: @escaping @Sendable ([Detection]) -> Void = { _ in },
        pollInterval: Duration = .milliseconds(500), maximumPerStep: Int = 4_096, clock: WallClock = .system,
        beforeRound: (@Sendable (inout CallEventProcessor) -> Void)? = nil, spool: (any EventSpool)? = nil, logger: Logger
    ) {
        self.spool = spool
        self.beforeRound = beforeRound
        var checkpointed: [any CheckpointedSource] = []
        var acknowledged: [any AcknowledgedSource] = []
        for source in sources {
            if let source = source as? any CheckpointedSource {
                checkpointed.append(source)
            } else if let source = source as? any AcknowledgedSource {
                acknowledged.append(source)
            } else {
                preconditionFailure("ingest source \(source.name) is neither checkpointed nor acknowledged")
            }
        }
        self.sources = sources
        self.checkpointed = checkpointed
        self.acknowledged = acknowledged
        self.store = store
        self.processor = processor
        self.onCommitted = onCommitted
        self.pollInterval = pollInterval
        self.maximumPerStep = max(1, maximumPerStep)
        self.clock = clock
        self.logger = logger
        self.metrics = IngestLoopMetrics(
            files: checkpointed.map(\.name), pushedSources: acknowledged.map(\.name), spoolCapacity: spool?.capacity)
    }

    package func run() async throws {
        let control = self.control
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await DedicatedThread.runBulk(name: "callwarden-ingest") { [self] handoff in try loop(handoff) }
            } onGracefulShutdown: {
                control.requestStop(.graceful)
            }
        } onCancel: {
            control.requestStop(.cancel)
        }
    }

    /// The loop's thread.
    private func loop(_ handoff: PriorityHandoff) throws {
        if let nice = ThreadPriority.currentNice(), nice < 19 {
            logger.warning(
                "the ingest loop could not lower its CPU priority (setpriority refused); under load it shares the CPU with the decision service",
                metadata: ["thread.nice": "\(nice)"])
        }
        for source in checkpointed {
            source.resume(from: try store.checkpoint(forPath: source.checkpointKey))
            logger.info("following CDR file", metadata: ["cdr.file": "\(source.name)"])
        }
        var events: [CallEvent] = []
        events.reserveCapacity(maximumPerStep)
        defer { replacements.close(resumingThrough: handoff) }
        if spool != nil { startSpooling() }
        rounds: while control.current == .run {
            applyReplacements(handoff)
            beforeRound?(&processor)
            if spool != nil {
                let progressed = spoolingRound(scratch: &events)
                metrics.setCorrelationEvictions(processor.correlationEvictions)
                metrics.roundFinished(atMicroseconds: clock.now().microsecondsSinceEpoch)
                if !progressed { control.sleep(pollInterval) }
                continue
            }
            var progressed = false
            for (index, source) in checkpointed.enumerated() {
                guard let step = readStep(of: source, scratch: &events) else { continue }
                progressed = true
                guard commit(step.batch, pushed: false) else { break rounds }
                committed(step, file: index)
            }
            guard let drainedAny = drainAcknowledged(scratch: &events) else { break rounds }
            metrics.setCorrelationEvictions(processor.correlationEvictions)
            metrics.roundFinished(atMicroseconds: clock.now().microsecondsSinceEpoch)
            if !progressed && !drainedAny { control.sleep(pollInterval) }
        }
        // What the acknowledged sources still hold was accepted from their senders: store it
        // before stopping (a bounded number of rounds, in case a source is still being fed).
        if control.current == .graceful {
            for _ in 0..<64 {
                guard let drainedAny = drainAcknowledged(scratch: &events), drainedAny else { break }
            }
        }
        logger.info(
            "ingest loop stopped",
            metadata: ["cdr.files": "\(checkpointed.count)", "pushed.sources": "\(acknowledged.count)"])
    }

    /// Replaces the processor (a configuration reload): `make` runs on the loop's thread between two
    /// rounds (within one poll interval), so no event is processed by both processors or by
    /// neither. Returns once the new processor is in place; throws what `make` threw (the old one
    /// stays), or ``IngestLoopStopped``.
    package func replaceProcessor(_ make: @escaping @Sendable () throws -> CallEventProcessor) async throws {
        let replacements = self.replacements
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            replacements.submit(make, done: done)
        }
    }

    /// Swaps the processor for each replacement asked; the callers are resumed through `handoff`
    /// (never from this bulk thread: see ``DedicatedThread``).
    private func applyReplacements(_ handoff: PriorityHandoff) {
        for request in replacements.take() {
            let done = request.done
            do {
                processor = try request.make()
                handoff.post { done.resume() }
            } catch {
                handoff.post { done.resume(throwing: error) }
            }
        }
    }

    /// Reads and processes one step of a file, ready to commit with its checkpoint; nil when the
    /// file had nothing new.
    func readStep(of source: any CheckpointedSource, scratch events: inout [CallEvent]) -> FileStep? {
        events.removeAll(keepingCapacity: true)
        let read = source.read(into: &events, maximum: maximumPerStep)
        guard read.records > 0 || read.positionMoved else { return nil }
        var batch = IngestBatch()
        for event in events { processor.process(event, into: &batch) }
        batch.malformedCount = read.malformed
        batch.checkpoints = [source.checkpoint(at: clock.now())]
        return FileStep(batch: batch, read: read, events: events.count)
    }

    /// Counts a committed file step and hands its detections on.
    func committed(_ step: FileStep, file index: Int) {
        metrics.countCommitted(file: index, lines: step.read.records, malformed: step.read.malformed, events: step.events)
        if !step.batch.detections.isEmpty { onCommitted(step.batch.detections) }
    }

    /// Drains each acknowledged source once and commits what came; nil when the loop was cancelled
    /// before a commit succeeded, else whether anything was drained.
    private func drainAcknowledged(scratch: inout [CallEvent]) -> Bool? {
        if spool != nil { return drainIntoStoreOrSpool(scratch: &scratch) }
        var drainedAny = false
        for (index, source) in acknowledged.enumerated() {
            scratch.removeAll(keepingCapacity: true)
            guard source.drain(into: &scratch, maximum: maximumPerStep) > 0 else { continue }
            drainedAny = true
            var batch = IngestBatch()
            for event in scratch { processor.process(event, into: &batch) }
            guard commit(batch, pushed: true) else { return nil }
            metrics.countCommitted(pushedSource: index, events: scratch.count)
            source.didCommit(scratch.count)
            if !batch.detections.isEmpty { onCommitted(batch.detections) }
        }
        return drainedAny
    }

    /// Commits with backoff, on the loop's thread. False when the loop was cancelled before the
    /// commit succeeded.
    /// How many times a failing commit is still tried once a graceful shutdown was asked.
    package static let commitAttemptsWhileStopping = 5

    func commit(_ batch: IngestBatch, pushed: Bool) -> Bool {
        var delay = Duration.milliseconds(100)
        var attemptsWhileStopping = 0
        while true {
            do {
                if pushed { try store.commitPushed(batch) } else { try store.commit(batch) }
                metrics.commitSucceeded()
                return true
            } catch {
                metrics.countCommitFailure()
                if control.current == .graceful {
                    attemptsWhileStopping += 1
                    if attemptsWhileStopping >= Self.commitAttemptsWhileStopping {
                        logger.error(
                            "store commit failed while stopping; giving the batch up (files resume from their checkpoint, unacknowledged pushed events are resent)",
                            metadata: ["error": "\(error)", "attempts": "\(attemptsWhileStopping)"])
                        return false
                    }
                }
                logger.error("store commit failed; retrying", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                if control.current == .cancel { return false }
                control.sleepUnlessCancelled(delay)
                if control.current == .cancel { return false }
                delay = min(delay * 2, .seconds(10))
            }
        }
    }
}
