import CallPipeline
import CallwardenPorts
import Foundation
import Ingest

/// Commits batches on a thread of its own while the caller decodes and detects the next one, so a
/// replay into a SQLite store (`replay --store PATH`) uses both cores: one for the pipeline, one
/// for SQLite (the default ``ReplayTally`` only counts here).
///
/// Order and atomicity are the store's as before: batches are committed one at a time, in the order
/// submitted, each in its own transaction. At most one batch waits while another commits
/// (``submit(_:)`` blocks until the waiting slot is free), so memory stays at two batches.
/// The first commit error stops the committer; ``submit(_:)`` and ``finish()`` then throw it, and
/// batches submitted after the failing one are not committed.
///
/// Deliberately not handled: retrying a failed commit (the daemon's tail service retries with
/// backoff; a replay reports the error).
final class OverlappedCommitter: @unchecked Sendable {
    private let store: any EventStore
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var waiting: IngestBatch?
    private var failure: (any Error)?
    private var closed = false
    private var threadExited = false

    init(store: any EventStore) {
        self.store = store
        ThreadPriority.normal.startThread(named: "callwarden-commit") { [self] in commitLoop() }
    }

    /// Hands `batch` over; waits while another batch is already waiting. Throws an earlier
    /// commit's error.
    func submit(_ batch: IngestBatch) throws {
        condition.lock()
        defer { condition.unlock() }
        while waiting != nil && failure == nil { condition.wait() }
        if let failure { throw failure }
        waiting = batch
        condition.broadcast()
    }

    /// Waits until every submitted batch is committed and the thread has ended. Throws the first
    /// commit error. Later calls return (or throw) the same at once.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !threadExited { condition.wait() }
        if let failure { throw failure }
    }

    private func commitLoop() {
        condition.lock()
        while true {
            while waiting == nil && !closed && failure == nil { condition.wait() }
            guard failure == nil, let batch = waiting else { break }
            waiting = nil
            condition.broadcast()
            condition.unlock()
            let result = Result { try store.commit(batch) }
            condition.lock()
            if case .failure(let error) = result { failure = error }
            condition.broadcast()
        }
        threadExited = true
        condition.broadcast()
        condition.unlock()
    }
}
