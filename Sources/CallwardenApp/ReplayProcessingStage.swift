import CallModel
import CallPipeline
import CallwardenPorts
import Foundation
import Ingest

/// The second stage of a capture's replay, on a thread of its own: the call events a step of the
/// capture produced (read, decoded, parsed and tracked into dialogs on the replay's thread) go
/// through the ``CallEventProcessor`` (matching, detection) into a batch, handed on to the
/// ``OverlappedCommitter``. So a replay of a capture uses two threads for the pipeline, plus the
/// committer's.
///
/// Order is the replay's as before: steps are processed one at a time in the order submitted, by
/// one processor, and their batches are submitted to the committer in that order, so the result is
/// the one of a single thread. At most one step waits while another is processed (``submit(_:malformed:)``
/// blocks until the waiting slot is free). The caller owns the processor again (for a CDR file,
/// stepped on the caller's thread) through ``withProcessor(_:)``, which waits until every step
/// submitted has been processed and handed on. The first error (the committer's) stops the stage;
/// ``submit(_:malformed:)``, ``withProcessor(_:)`` and ``finish()`` then throw it.
///
/// Deliberately not handled: the daemon's capture path (live captures, HEP) — it has its own
/// threads and no file to read ahead.
final class ReplayProcessingStage: @unchecked Sendable {
    private struct Step {
        var events: [CallEvent]
        var malformed: Int
    }

    private let committer: OverlappedCommitter
    /// Touched by the stage's thread while a step is waiting or being processed, otherwise only by
    /// the caller inside ``withProcessor(_:)`` (the condition orders the two).
    private var processor: CallEventProcessor
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var waiting: Step?
    private var processing = false
    private var failure: (any Error)?
    private var closed = false
    private var threadExited = false

    init(processor: CallEventProcessor, committer: OverlappedCommitter) {
        self.processor = processor
        self.committer = committer
        ThreadPriority.normal.startThread(named: "callwarden-process") { [self] in processLoop() }
    }

    /// Hands one step's events (in capture order) and its malformed count over; waits while another
    /// step is already waiting. Throws an earlier error.
    func submit(_ events: consuming [CallEvent], malformed: Int) throws {
        condition.lock()
        defer { condition.unlock() }
        while waiting != nil && failure == nil { condition.wait() }
        if let failure { throw failure }
        waiting = Step(events: events, malformed: malformed)
        condition.broadcast()
    }

    /// Waits until every submitted step is processed, then runs `body` with the processor on the
    /// caller's thread.
    func withProcessor<T>(_ body: (inout CallEventProcessor) throws -> T) throws -> T {
        try waitUntilIdle()
        return try body(&processor)
    }

    /// Processes what was submitted and ends the thread. Throws the first error. Later calls
    /// return (or throw) the same at once.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !threadExited { condition.wait() }
        if let failure { throw failure }
    }

    private func waitUntilIdle() throws {
        condition.lock()
        defer { condition.unlock() }
        while (waiting != nil || processing) && failure == nil { condition.wait() }
        if let failure { throw failure }
    }

    private func processLoop() {
        condition.lock()
        while true {
            while waiting == nil && !closed && failure == nil { condition.wait() }
            guard failure == nil, var step = waiting.take() else { break }
            processing = true
            condition.broadcast()
            condition.unlock()
            let result = Result { try process(&step) }
            condition.lock()
            processing = false
            if case .failure(let error) = result { failure = error }
            condition.broadcast()
        }
        threadExited = true
        condition.broadcast()
        condition.unlock()
    }

    private func process(_ step: inout Step) throws {
        // One access to the processor for the whole step (not an exclusivity check per event).
        let batch = Self.batch(of: &step, processor: &processor)
        if !batch.isEmpty { try committer.submit(batch) }
    }

    private static func batch(of step: inout Step, processor: inout CallEventProcessor) -> IngestBatch {
        var batch = IngestBatch()
        // At most one stored event per call event: the batch grows once, not by doubling.
        batch.events.reserveCapacity(step.events.count)
        // Each event is moved out (reversed once, then taken from the end) into the processor,
        // which moves it into the batch: no copy of its strings.
        step.events.reverse()
        while let event = step.events.popLast() { processor.process(event, into: &batch) }
        batch.malformedCount = step.malformed
        return batch
    }
}
