import Foundation

/// A task executor with one thread of its own, for services whose async code makes blocking store
/// calls (the rules refresher, housekeeping, the alert dispatcher): run under
/// `withTaskExecutorPreference(executor)`, their jobs run on this thread instead of the
/// cooperative pool, so a slow SQLite call holds this thread and no pool thread.
///
/// Jobs run one at a time in the order enqueued. ``stop()`` lets the thread end once the jobs
/// queued so far have run; a job enqueued after that never runs, so stop it only after the tasks
/// that prefer it have ended.
package final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` and `stopping` are read and written only with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false

    /// Starts the thread, named `name` (`callwarden-alerts`, `callwarden-api`, … in `top -H`, cut to 15 bytes). It runs at the priority of
    /// the thread that made it: never bulk, since its jobs resume tasks (see ``DedicatedThread``).
    package init(name: String) {
        ThreadPriority.normal.startThread(named: name) { [self] in work() }
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread after the jobs already queued.
    package func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func work() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
