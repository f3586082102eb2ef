import Foundation

/// Runs blocking work (a store opened and migrated, a warm-up read, a commit) on a thread of its
/// own and lets an async caller await the result, so the cooperative pool (two threads on a
/// two-core machine) is never held by a call that waits on the disk.
///
/// Deliberately not handled: cancellation. The work runs to its end; the caller's task being
/// cancelled does not interrupt it.
package enum DedicatedThread {
    /// Runs `work` on a new thread named `name`, at `priority` (``ThreadPriority/bulk`` for work that
    /// may lag behind the decision path); returns or throws what it did.
    package static func run<Result: Sendable>(
        name: String, priority: ThreadPriority = .normal, _ work: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let thread = Thread {
                priority.applyToCurrentThread(named: name)
                continuation.resume(with: Swift.Result { try work() })
            }
            thread.name = name
            thread.start()
        }
    }
}
