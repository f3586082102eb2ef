import Synchronization

/// The one bounded queue of the daemon: a fixed-capacity, lock-free, multi-producer multi-consumer
/// ring between threads that produce (capture threads, socket listeners, decision transports'
/// event loops) and the loop that consumes (the ingest loop, a capture worker).
///
/// Drop policy: **drop newest**. When the queue is full, ``tryPush(_:)`` refuses the new element,
/// counts it in ``droppedCount`` and returns false at once; a producer never blocks, waits or
/// allocates, so a slow consumer costs elements (counted) rather than stalling capture or a call.
/// Counters: ``acceptedCount``, ``droppedCount`` and ``count`` (relaxed atomic loads).
///
/// The algorithm is Dmitry Vyukov's bounded MPMC queue: one sequence number per slot tells
/// producers and consumers whose turn the slot is, so neither side takes a lock. With one producer
/// and one consumer (a capture thread and its worker) every compare-exchange succeeds first time.
///
/// Deliberately not handled: waking the consumer. Consumers poll between their steps
/// (``pop(waitingUpTo:)`` sleeps 1–10 ms while idle); backpressure (a producer that waits for room)
/// is a different concept — see `EventStreams.PushedEventQueue`, which holds a socket's reads back
/// instead of dropping. The capacity is rounded up to a power of two.
package final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    // @unchecked: a slot's value is written only by the producer that won its enqueue position and
    // read only by the consumer that won its dequeue position; the slot's sequence number
    // (store-release after writing, load-acquire before reading) orders those accesses.

    /// The queue's name in logs and counters (`decision`, `sip`).
    package let name: String
    /// How many elements fit (a power of two, at least 2).
    package let capacity: Int
    private let mask: Int
    private let sequences: UnsafeMutablePointer<Atomic<Int>>
    private let slots: UnsafeMutablePointer<Element?>
    private let enqueuePosition = Atomic<Int>(0)
    private let dequeuePosition = Atomic<Int>(0)
    private let dropped = Atomic<UInt64>(0)
    private let accepted = Atomic<UInt64>(0)

    /// A queue holding at least `capacity` elements (rounded up to a power of two, at least 2).
    package init(name: String = "queue", capacity minimumCapacity: Int) {
        self.name = name
        var capacity = 2
        while capacity < minimumCapacity, capacity < 1 << 30 { capacity <<= 1 }
        self.capacity = capacity
        self.mask = capacity - 1
        sequences = .allocate(capacity: capacity)
        slots = .allocate(capacity: capacity)
        for index in 0..<capacity {
            (sequences + index).initialize(to: Atomic(index))
            (slots + index).initialize(to: nil)
        }
    }

    deinit {
        sequences.deinitialize(count: capacity)
        sequences.deallocate()
        slots.deinitialize(count: capacity)
        slots.deallocate()
    }

    /// Elements refused because the queue was full, since it was made.
    package var droppedCount: UInt64 { dropped.load(ordering: .relaxed) }

    /// Elements taken into the queue, since it was made.
    package var acceptedCount: UInt64 { accepted.load(ordering: .relaxed) }

    /// Elements waiting now (a snapshot from the two positions; may be off by the elements being
    /// moved at this instant).
    package var count: Int {
        max(0, min(capacity, enqueuePosition.load(ordering: .relaxed) &- dequeuePosition.load(ordering: .relaxed)))
    }

    /// Producer: enqueues `element`, or drops it and counts the drop when the queue is full.
    /// - Returns: false when the element was dropped.
    @discardableResult
    package func tryPush(_ element: Element) -> Bool {
        var position = enqueuePosition.load(ordering: .relaxed)
        while true {
            let index = position & mask
            let sequence = sequences[index].load(ordering: .acquiring)
            let difference = sequence &- position
            if difference == 0 {
                let (won, current) = enqueuePosition.weakCompareExchange(
                    expected: position, desired: position &+ 1, ordering: .relaxed)
                if won {
                    slots[index] = element
                    sequences[index].store(position &+ 1, ordering: .releasing)
                    accepted.wrappingAdd(1, ordering: .relaxed)
                    return true
                }
                position = current
            } else if difference < 0 {
                dropped.wrappingAdd(1, ordering: .relaxed)
                return false
            } else {
                position = enqueuePosition.load(ordering: .relaxed)
            }
        }
    }

    /// Consumer: the oldest element, or nil when the queue is empty.
    package func tryPop() -> Element? {
        var position = dequeuePosition.load(ordering: .relaxed)
        while true {
            let index = position & mask
            let sequence = sequences[index].load(ordering: .acquiring)
            let difference = sequence &- (position &+ 1)
            if difference == 0 {
                let (won, current) = dequeuePosition.weakCompareExchange(
                    expected: position, desired: position &+ 1, ordering: .relaxed)
                if won {
                    let element = slots[index].take()
                    sequences[index].store(position &+ mask &+ 1, ordering: .releasing)
                    return element
                }
                position = current
            } else if difference < 0 {
                return nil
            } else {
                position = dequeuePosition.load(ordering: .relaxed)
            }
        }
    }

    /// Consumer: moves up to `maximum` elements, oldest first, into `elements` without waiting;
    /// returns how many it moved.
    package func drain(into elements: inout [Element], maximum: Int) -> Int {
        var moved = 0
        while moved < maximum, let element = tryPop() {
            elements.append(element)
            moved += 1
        }
        return moved
    }

    /// Consumer: up to `maxCount` elements, oldest first, without waiting; empty when there are none.
    package func drain(maxCount: Int) -> [Element] {
        var batch: [Element] = []
        _ = drain(into: &batch, maximum: maxCount)
        return batch
    }

    /// Consumer: the oldest element, waiting for one up to `timeout` by polling with short sleeps
    /// (1 ms, growing to 10 ms while idle); nil on timeout or task cancellation. The timeout is a
    /// monotonic deadline (`ContinuousClock`), deliberately not processing time.
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
}
