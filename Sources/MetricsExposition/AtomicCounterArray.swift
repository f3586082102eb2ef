import Synchronization

/// A fixed number of relaxed atomic counters in one allocation (arrays cannot hold `Atomic`):
/// counting takes no lock and never waits, so it may be done on a request or ingest path, and a
/// ``MetricsSource`` may read them from any thread.
///
/// Deliberately not handled: an index outside `0..<count` is ignored (add) or reads 0, so a bad
/// index can never crash the caller; values wrap instead of trapping.
package final class AtomicCounterArray: @unchecked Sendable {
    // @unchecked: the storage is only touched through Atomic operations after init.
    package let count: Int
    private let storage: UnsafeMutablePointer<Atomic<Int>>

    package init(count: Int) {
        self.count = max(0, count)
        storage = .allocate(capacity: self.count)
        for index in 0..<self.count {
            (storage + index).initialize(to: Atomic(0))
        }
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    package func add(_ index: Int, _ amount: Int = 1) {
        guard index >= 0, index < count else { return }
        storage[index].wrappingAdd(amount, ordering: .relaxed)
    }

    /// Sets a counter used as a gauge (a depth, a timestamp).
    package func store(_ index: Int, _ value: Int) {
        guard index >= 0, index < count else { return }
        storage[index].store(value, ordering: .relaxed)
    }

    package func value(_ index: Int) -> Int {
        guard index >= 0, index < count else { return 0 }
        return storage[index].load(ordering: .relaxed)
    }
}
