import Synchronization

/// A fixed number of counters, each a relaxed atomic, in one allocation (arrays cannot hold
/// `Atomic`): counting takes no lock and never waits, from any number of threads; reading is
/// safe from any thread. Index them with an enum's raw value or case position.
///
/// Deliberately not handled: an index outside `0..<count` is ignored (add) or reads 0, so a bad
/// index can never crash a request or capture path; a counter past `Int.max` wraps instead of
/// trapping; reading several counters is not one consistent snapshot.
package final class AtomicCounters: @unchecked Sendable {
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

    /// Adds `amount` to counter `index`.
    package func add(_ index: Int, _ amount: Int = 1) {
        guard index >= 0, index < count else { return }
        storage[index].wrappingAdd(amount, ordering: .relaxed)
    }

    /// Counter `index` now.
    package func value(_ index: Int) -> Int {
        guard index >= 0, index < count else { return 0 }
        return storage[index].load(ordering: .relaxed)
    }
}
