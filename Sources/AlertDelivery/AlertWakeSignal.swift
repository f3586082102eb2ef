import Synchronization

/// Rings the ``AlertDispatcher`` when this process has committed an alert to the outbox, so that
/// the alert leaves at once rather than at the next poll (a bomb-threat flag must not wait a
/// second). The store calls ``ring()`` after the transaction that wrote the outbox row committed
/// (`SQLiteStore(onAlertCommitted:)`); each running dispatcher's sinks then read the outbox again.
///
/// Cheap on the committing side: one short, uncontended lock and a non-blocking `yield` per sink
/// into a stream that keeps only the newest ring (so rings while a sink is busy collapse into one
/// more round, and none is lost). It is rung only by transactions that wrote an alert, never by the
/// call path (decode → match → detect).
///
/// Deliberately not handled: rows written by another process (`callwarden mcid`, the CLI's status
/// changes): SQLite tells no other process, so the dispatcher's poll interval bounds their delay.
package final class AlertWakeSignal: Sendable {
    private struct Subscribers {
        var nextID = 0
        var doorbells: [Int: [AsyncStream<Void>.Continuation]] = [:]
    }

    private let subscribers = Mutex(Subscribers())

    package init() {}

    /// Wakes every subscribed sink loop. Any thread; never waits.
    package func ring() {
        subscribers.withLock { subscribers in
            for doorbells in subscribers.doorbells.values {
                for doorbell in doorbells { doorbell.yield() }
            }
        }
    }

    /// Rings `doorbells` from now on, until ``unsubscribe(_:)`` with the returned id.
    func subscribe(_ doorbells: [AsyncStream<Void>.Continuation]) -> Int {
        subscribers.withLock { subscribers in
            let id = subscribers.nextID
            subscribers.nextID += 1
            subscribers.doorbells[id] = doorbells
            return id
        }
    }

    func unsubscribe(_ id: Int) {
        _ = subscribers.withLock { $0.doorbells.removeValue(forKey: id) }
    }
}
