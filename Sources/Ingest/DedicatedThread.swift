import Foundation

/// Runs blocking work (a store opened and migrated, a warm-up read, a commit) on a thread of its
/// own and lets an async caller await the result, so the cooperative pool (two threads on a
/// two-core machine) is never held by a call that waits on the disk.
///
/// Bulk work (``ThreadPriority/bulk``) runs on a thread started by a second, normal-priority one,
/// which waits for it and resumes the caller: a thread inherits its creator's priority, and
/// resuming a task can make the cooperative pool start a worker thread on the resuming thread, so a
/// bulk thread that resumed tasks itself could leave a pool thread at nice 19 behind for good (and
/// decisions on it). Whatever else a bulk thread must resume goes through its ``PriorityHandoff``.
///
/// Deliberately not handled: cancellation. The work runs to its end; the caller's task being
/// cancelled does not interrupt it.
package enum DedicatedThread {
    /// Runs `work` on a new thread named `name`, at `priority` (``ThreadPriority/bulk`` for work that
    /// may lag behind the decision path); returns or throws what it did.
    package static func run<Result: Sendable>(
        name: String, priority: ThreadPriority = .normal, _ work: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        switch priority {
        case .normal:
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                ThreadPriority.normal.startThread(named: name) {
                    continuation.resume(with: Swift.Result { try work() })
                }
            }
        case .bulk:
            try await runBulk(name: name) { _ in try work() }
        }
    }

    /// Runs `work` on a bulk thread named `name`, handing it the ``PriorityHandoff`` through which it
    /// resumes anything that waits on it; returns or throws what it did, resumed from the
    /// normal-priority thread that started it.
    package static func runBulk<Result: Sendable>(
        name: String, _ work: @escaping @Sendable (PriorityHandoff) throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            // `callwarden-ingest` waits in `cw-resume-ingest` (what `top -H` shows, cut to 15 bytes).
            let suffix = name.hasPrefix("callwarden-") ? String(name.dropFirst("callwarden-".count)) : name
            ThreadPriority.normal.startThread(named: "cw-resume-" + suffix) {
                let handoff = PriorityHandoff()
                ThreadPriority.bulk.startThread(named: name) {
                    let result = Swift.Result { try work(handoff) }
                    handoff.post { continuation.resume(with: result) }
                    handoff.close()
                }
                handoff.runPosted()
            }
        }
    }
}

/// Where a bulk thread sends what must not run at its priority (resuming a waiting task): the
/// closures run, in order, on the normal-priority thread that started it. See ``DedicatedThread``.
package final class PriorityHandoff: @unchecked Sendable {
    // @unchecked: `posted` and `closed` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var posted: [@Sendable () -> Void] = []
    private var closed = false

    init() {}

    /// Runs `closure` on the normal-priority thread soon; never waits for it.
    package func post(_ closure: @escaping @Sendable () -> Void) {
        condition.lock()
        posted.append(closure)
        condition.signal()
        condition.unlock()
    }

    /// The bulk thread is done: the normal one runs what was posted and ends.
    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }

    /// The normal thread's loop: runs posted closures until closed and drained.
    func runPosted() {
        var batch: [@Sendable () -> Void] = []
        while true {
            condition.lock()
            while posted.isEmpty && !closed { condition.wait() }
            let done = closed && posted.isEmpty
            swap(&batch, &posted)
            condition.unlock()
            for closure in batch { closure() }
            batch.removeAll(keepingCapacity: true)
            if done { return }
        }
    }
}
