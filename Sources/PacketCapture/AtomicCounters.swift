import Synchronization

/// A fixed array of atomic counters indexed by ``PacketDecoding/PacketDropReason``: written by one
/// thread, read by any, no locks.
final class AtomicCounters: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Atomic<UInt64>>
    let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        for index in 0..<count { (storage + index).initialize(to: Atomic(0)) }
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func increment(_ index: Int) {
        guard index >= 0 && index < count else { return }
        storage[index].wrappingAdd(1, ordering: .relaxed)
    }

    func value(_ index: Int) -> UInt64 {
        guard index >= 0 && index < count else { return 0 }
        return storage[index].load(ordering: .relaxed)
    }
}
