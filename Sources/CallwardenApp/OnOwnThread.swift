import Ingest
import ServiceLifecycle

/// Runs a service whose async code makes blocking store calls (the rules refresher, housekeeping,
/// the alert dispatcher, the recording watcher) with a ``Ingest/ThreadExecutor`` of its own as
/// its task executor, so those calls hold that thread and never a cooperative pool thread.
struct OnOwnThread: Service {
    let name: String
    let inner: any Service

    func run() async throws {
        let executor = ThreadExecutor(name: "callwarden-\(name)")
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
