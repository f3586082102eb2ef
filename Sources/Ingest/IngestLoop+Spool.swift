import CallModel
import CallPipeline
import CallwardenPorts
import Logging

/// What the loop's thread knows about the spool and the store, between rounds.
struct SpoolingState {
    /// Events in the spool (read once at start, then kept here).
    var spooled = 0
    /// The store failed: no commit is tried before this instant (backoff), files wait.
    var storeRetryAt: ContinuousClock.Instant?
    var backoff = Duration.milliseconds(100)
    /// Per file, the step read and processed whose commit failed: committed first once the store
    /// answers, before the file is read further (its lines are not read twice).
    var pendingFileSteps: [FileStep?] = []
}

/// One step read from a file and processed: what is committed with the file's checkpoint.
struct FileStep {
    var batch: IngestBatch
    var read: CheckpointedRead
    /// Call events the step's records held (before processing).
    var events: Int
}

/// The ingest loop with a spool (`IngestLoop.spool`): a site node on the shared PostgreSQL. One
/// attempt at the store per step, never a retry in place, so an unreachable database holds
/// nothing up:
///
/// - **Files** wait at their checkpoints: a failed step is kept and committed first when the store
///   answers (with backoff from 100 ms to 10 s); nothing more is read from the file meanwhile.
/// - **Pushed events** whose commit fails, and every pushed event after them while the spool is not
///   empty (so they reach the store in the order they came), go to the spool and are acknowledged
///   to their sources. When the spool is full a source is not drained; its own bounded queue
///   then counts what it drops (`callwarden_ingest_spool_full_total` counts the refusals).
/// - **Catching up**: at the start of each round, while the store answers, up to 16 steps' worth
///   of spooled events move to it oldest first (``CallwardenPorts/EventStore/commitPushed(_:)``,
///   then removed from the spool: exactly once, also across a kill -9 between the two).
///
/// Deliberately not handled: a pushed step that carries detections or rules (a processor that
/// counts: the single-node daemon, which has no spool) is not spooled; it is retried in place as
/// without a spool. And a spool that cannot be written (the node's own disk) does the same.
extension IngestLoop {
    /// Steps of spooled events moved per round at most, so pushed sources keep being drained.
    static let spoolStepsPerRound = 16

    func startSpooling() {
        guard let spool else { return }
        spooling.pendingFileSteps = Array(repeating: nil, count: checkpointed.count)
        do {
            spooling.spooled = try spool.spooledCount()
        } catch {
            logger.error("cannot read the spool of pushed events", metadata: ["error": "\(error)"])
        }
        metrics.setSpooled(spooling.spooled)
        if spooling.spooled > 0 {
            logger.notice("pushed events spooled while the store was unreachable are moved to it first", metadata: ["spooled": "\(spooling.spooled)"])
        }
    }

    /// One round with a spool; whether anything moved.
    func spoolingRound(scratch events: inout [CallEvent]) -> Bool {
        var progressed = moveSpooledEvents()
        files: for (index, source) in checkpointed.enumerated() {
            guard storeMayBeTried else { break files }
            if let pending = spooling.pendingFileSteps[index] {
                guard attempt(pending.batch, pushed: false) else { break files }
                spooling.pendingFileSteps[index] = nil
                committed(pending, file: index)
                progressed = true
            }
            guard let step = readStep(of: source, scratch: &events) else { continue }
            progressed = true
            guard attempt(step.batch, pushed: false) else {
                spooling.pendingFileSteps[index] = step
                break files
            }
            committed(step, file: index)
        }
        let drained = drainIntoStoreOrSpool(scratch: &events) ?? false
        return progressed || drained
    }

    /// Drains each pushed source once into the store, or into the spool when the store fails, is
    /// in its backoff, or the spool still holds older events. Nil when the loop was cancelled
    /// during a retry in place (a step that cannot be spooled).
    func drainIntoStoreOrSpool(scratch: inout [CallEvent]) -> Bool? {
        guard let spool else { return nil }
        var drainedAny = false
        for (index, source) in acknowledged.enumerated() {
            let toSpool = spooling.spooled > 0 || !storeMayBeTried
            let room = spool.capacity - spooling.spooled
            if toSpool && room <= 0 {
                metrics.countSpoolFull()
                continue
            }
            scratch.removeAll(keepingCapacity: true)
            // At most what the spool has room for, also when the store is tried: the step must fit
            // if the attempt fails.
            guard room > 0 || !toSpool, source.drain(into: &scratch, maximum: max(1, min(maximumPerStep, room))) > 0 else { continue }
            drainedAny = true
            var batch = IngestBatch()
            for event in scratch { processor.process(event, into: &batch) }
            let stored: Bool
            if !toSpool && attempt(batch, pushed: true) {
                stored = true
            } else if spoolable(batch), spoolEvents(batch.events) {
                stored = true
            } else {
                // Cannot be spooled (carries detections, or the spool's disk failed): retried in
                // place, as without a spool.
                stored = commit(batch, pushed: true)
            }
            guard stored else { return nil }
            metrics.countCommitted(pushedSource: index, events: scratch.count)
            source.didCommit(scratch.count)
            if !batch.detections.isEmpty { onCommitted(batch.detections) }
        }
        return drainedAny
    }

    /// Moves spooled events to the store, oldest first, while it answers; whether any moved.
    private func moveSpooledEvents() -> Bool {
        guard let spool, spooling.spooled > 0 else { return false }
        var moved = false
        for _ in 0..<Self.spoolStepsPerRound {
            guard spooling.spooled > 0, storeMayBeTried else { break }
            let oldest: (events: [CallEvent], through: Int64)?
            do {
                oldest = try spool.oldestSpooled(limit: maximumPerStep)
            } catch {
                logger.error("cannot read the spool of pushed events", metadata: ["error": "\(error)"])
                break
            }
            guard let oldest else {
                spooling.spooled = 0
                metrics.setSpooled(0)
                break
            }
            var batch = IngestBatch()
            batch.events = oldest.events
            guard attempt(batch, pushed: true) else { break }
            do {
                try spool.removeSpooled(through: oldest.through)
            } catch {
                // Stored already; moved again next round, and the store keeps one of each.
                logger.error("cannot remove moved events from the spool", metadata: ["error": "\(error)"])
                break
            }
            spooling.spooled = max(0, spooling.spooled - oldest.events.count)
            metrics.countUnspooled(oldest.events.count, left: spooling.spooled)
            moved = true
        }
        if moved && spooling.spooled == 0 {
            logger.notice("every pushed event spooled while the store was unreachable is stored now")
        }
        return moved
    }

    private func spoolable(_ batch: IngestBatch) -> Bool {
        batch.detections.isEmpty && batch.rules.isEmpty && batch.checkpoints.isEmpty
    }

    /// Appends to the spool; false when the spool's own disk failed.
    private func spoolEvents(_ events: [CallEvent]) -> Bool {
        guard let spool else { return false }
        do {
            try spool.spool(events)
        } catch {
            logger.error("cannot write the spool of pushed events", metadata: ["error": "\(error)"])
            return false
        }
        if spooling.spooled == 0 {
            logger.warning("the store cannot take pushed events; spooling them locally", metadata: ["spool.capacity": "\(spool.capacity)"])
        }
        spooling.spooled += events.count
        metrics.countSpooled(events.count, total: spooling.spooled)
        return true
    }

    /// Whether the store may be tried now (it answered last time, or its backoff is over).
    var storeMayBeTried: Bool {
        spooling.storeRetryAt.map { ContinuousClock.now >= $0 } ?? true
    }

    /// One commit attempt; on failure the store is left alone for the backoff.
    private func attempt(_ batch: IngestBatch, pushed: Bool) -> Bool {
        do {
            if pushed { try store.commitPushed(batch) } else { try store.commit(batch) }
            metrics.commitSucceeded()
            if spooling.storeRetryAt != nil { logger.notice("the store answers again") }
            spooling.storeRetryAt = nil
            spooling.backoff = .milliseconds(100)
            return true
        } catch {
            metrics.countCommitFailure()
            logger.error("store commit failed; pushed events are spooled, files wait", metadata: ["error": "\(error)", "retry.in": "\(spooling.backoff)"])
            spooling.storeRetryAt = ContinuousClock.now + spooling.backoff
            spooling.backoff = min(spooling.backoff * 2, .seconds(10))
            return false
        }
    }
}
