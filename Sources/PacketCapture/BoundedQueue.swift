import Synchronization

/// A bounded single-producer, single-consumer ring buffer between a capture thread and its consumer.
///
/// Drop policy: **drop newest** — when the queue is full, ``tryPush(_:)`` refuses the element and
/// counts it in ``droppedCount``; the producer never waits, so a slow consumer costs packets (counted)
/// rather than blocking capture (where the kernel would drop them uncounted).
/// Lock-free: two atomic indices; exactly one thread may push and one may pop at a time.
/// Deliberately not handled: several producers or consumers (use one queue per source).
package final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    package let capacity: Int
    private let mask: Int
    private let storage: UnsafeMutablePointer<Element?>
    /// Next slot to read; written by the consumer only.
    private let head = Atomic<Int>(0)
    /// Next slot to write; written by the producer only.
    private let tail = Atomic<Int>(0)
    private let dropped = Atomic<UInt64>(0)
    private let accepted = Atomic<UInt64>(0)

    /// A queue holding at least `capacity` elements (rounded up to a power of two, at least 2).
    package init(capacity: Int) {
        var size = 2
        while size < capacity { size <<= 1 }
        self.capacity = size
        self.mask = size - 1
        storage = .allocate(capacity: size)
        storage.initialize(repeating: nil, count: size)
    }

    deinit {
        storage.deinitialize(count: capacity)
        storage.deallocate()
    }

    /// Producer: enqueues `element`, or drops it and counts the drop when the queue is full.
    /// - Returns: false when the element was dropped.
    @discardableResult
    package func tryPush(_ element: Element) -> Bool {
        let position = tail.load(ordering: .relaxed)
        guard position - head.load(ordering: .acquiring) < capacity else {
            dropped.wrappingAdd(1, ordering: .relaxed)
            return false
        }
        storage[position & mask] = element
        tail.store(position + 1, ordering: .releasing)
        accepted.wrappingAdd(1, ordering: .relaxed)
        return true
    }

    /// Consumer: the oldest element, or nil when the queue is empty.
    package func tryPop() -> Element? {
        let position = head.load(ordering: .relaxed)
        guard position != tail.load(ordering: .acquiring) else { return nil }
        let element = storage[position & mask].take()
        head.store(position + 1, ordering: .releasing)
        return element
    }

    /// Consumer: the oldest element, waiting for one up to `timeout` by polling with short sleeps
    /// (1 ms, growing to 10 ms while idle); nil on timeout or task cancellation.
    package func pop(waitingUpTo timeout: Duration) async -> Element? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var pause = Duration.milliseconds(1)
        while true {
            if let element = tryPop() { return element }
            guard clock.now < deadline, !Task.isCancelled else { return nil }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(10))
        }
    }

    /// Elements waiting now (a snapshot).
    package var count: Int {
        tail.load(ordering: .acquiring) - head.load(ordering: .acquiring)
    }

    /// Elements refused because the queue was full, since it was made.
    package var droppedCount: UInt64 { dropped.load(ordering: .relaxed) }

    /// Elements accepted since the queue was made.
    package var acceptedCount: UInt64 { accepted.load(ordering: .relaxed) }
}
