import Ingest
import ServiceLifecycle

/// Runs a service whose async code makes blocking store calls (the rules refresher, housekeeping,
/// the alert dispatcher, the recording watcher) with a ``Ingest/ThreadExecutor`` of its own as
/// its task executor, so those calls hold that thread and never a cooperative pool thread.
/// Housekeeping and the recording watcher run at ``Ingest/ThreadPriority/bulk``.
struct OnOwnThread: Service {
    let name: String
    var priority: ThreadPriority = .normal
    let inner: any Service

    func run() async throws {
        let executor = ThreadExecutor(name: "callwarden-\(name)", priority: priority)
        defer { executor.stop() }
        try await withTaskExecutorPreference(executor) {
            try await inner.run()
        }
    }
}

/// Runs `inner` (a server whose handlers send their blocking calls to `executor`), then stops
/// `executor` once `inner` has ended and no handler can use it any more.
struct StoppingExecutorAfter: Service {
    let executor: ThreadExecutor
    let inner: any Service

    func run() async throws {
        defer { executor.stop() }
        try await inner.run()
    }
}
