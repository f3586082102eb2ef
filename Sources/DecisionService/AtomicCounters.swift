import Synchronization

/// A fixed number of relaxed atomic counters in one allocation (arrays cannot hold `Atomic`).
///
/// Deliberately not handled: an index outside `0..<count` is ignored (add) or reads 0, so a bad
/// index can never crash the request path.
final class AtomicCounters: @unchecked Sendable {
    // @unchecked: the storage is only touched through Atomic operations after init.
    let count: Int
    private let storage: UnsafeMutablePointer<Atomic<Int>>

    init(count: Int) {
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

    func add(_ index: Int, _ amount: Int = 1) {
        guard index >= 0, index < count else { return }
        storage[index].add(amount, ordering: .relaxed)
    }

    func value(_ index: Int) -> Int {
        guard index >= 0, index < count else { return 0 }
        return storage[index].load(ordering: .relaxed)
    }
}
