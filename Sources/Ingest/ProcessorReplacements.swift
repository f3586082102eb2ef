import CallPipeline
import Foundation

/// Processor replacements asked of the ingest loop (a configuration reload), applied by the loop's
/// own thread between two rounds: every event before the swap was processed and committed by the
/// old processor, every event after it goes to the new one, none is read twice or skipped (the
/// files' checkpoints and the pushed queues are untouched by a swap).
///
/// A replacement's `make` runs on the loop's thread (it may read the store to warm the new
/// processor up); an error it throws leaves the old processor in place and goes back to the caller.
/// After the loop has stopped, a replacement fails with ``IngestLoopStopped``.
final class ProcessorReplacements: @unchecked Sendable {
    // @unchecked: `pending` and `closed` are only touched with `lock` held.
    typealias Make = @Sendable () throws -> CallEventProcessor
    private let lock = NSLock()
    private var pending: [(make: Make, done: CheckedContinuation<Void, any Error>)] = []
    private var closed = false

    func submit(_ make: @escaping Make, done: CheckedContinuation<Void, any Error>) {
        lock.lock()
        if closed {
            lock.unlock()
            done.resume(throwing: IngestLoopStopped())
            return
        }
        pending.append((make, done))
        lock.unlock()
    }

    /// What was asked since the last call (cheap when nothing was: one uncontended lock per round).
    func take() -> [(make: Make, done: CheckedContinuation<Void, any Error>)] {
        lock.lock()
        defer { lock.unlock() }
        let taken = pending
        pending.removeAll()
        return taken
    }

    /// The loop has stopped: what waits and what comes later fails (those waiting are resumed
    /// through `handoff`, off the loop's bulk thread).
    func close(resumingThrough handoff: PriorityHandoff) {
        lock.lock()
        closed = true
        let left = pending
        pending.removeAll()
        lock.unlock()
        for request in left {
            let done = request.done
            handoff.post { done.resume(throwing: IngestLoopStopped()) }
        }
    }
}

/// A processor replacement came after the ingest loop had stopped.
package struct IngestLoopStopped: Error, CustomStringConvertible {
    package var description: String { "the ingest loop has stopped" }
}
