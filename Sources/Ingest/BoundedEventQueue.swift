package import CallModel
package import CallwardenPorts
import Synchronization

/// A fixed-capacity, lock-free queue of call events between the sources that push events (many
/// producers: the decision transports' event loops, capture threads, socket listeners) and the
/// daemon's ingest loop (the consumer: it is an ``CallwardenPorts/AcknowledgedSource``).
///
/// Drop policy: **drop newest**. When the queue is full, ``offer(_:)`` refuses the new event,
/// counts it in ``droppedCount`` and returns false at once; it never blocks, waits or allocates.
/// The algorithm is Dmitry Vyukov's bounded MPMC queue: one sequence number per slot tells
/// producers and consumers whose turn the slot is, so neither side takes a lock.
///
/// Deliberately not handled: waking the consumer. The ingest loop drains it between its steps, so
/// an event waits at most one poll interval before it is stored; events pushed here are records of
/// what already happened (a decision given, a call seen), so that delay costs nothing on the call.
/// The capacity is rounded up to a power of two.
package final class BoundedEventQueue: AcknowledgedSource, @unchecked Sendable {
    // @unchecked: a slot's value is written only by the producer that won its enqueue position and
    // read only by the consumer that won its dequeue position; the slot's sequence number
    // (store-release after writing, load-acquire before reading) orders those accesses.

    /// The source's name in logs and counters (`decision`, `sip`).
    package let name: String
    /// How many events fit (a power of two, at least 2).
    package let capacity: Int
    private let mask: Int
    private let sequences: UnsafeMutablePointer<Atomic<Int>>
    private let slots: UnsafeMutablePointer<CallEvent?>
    private let enqueuePosition = Atomic<Int>(0)
    private let dequeuePosition = Atomic<Int>(0)
    private let dropped = Atomic<Int>(0)
    private let accepted = Atomic<Int>(0)

    /// A queue for at least `minimumCapacity` events (rounded up to a power of two, at least 2).
    package init(name: String = "events", minimumCapacity: Int) {
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

    /// Events refused because the queue was full, since creation.
    package var droppedCount: Int { dropped.load(ordering: .relaxed) }

    /// Events taken into the queue, since creation.
    package var acceptedCount: Int { accepted.load(ordering: .relaxed) }

    /// Positions handed to producers and to the consumer so far (their difference is the depth).
    var enqueueCount: Int { enqueuePosition.load(ordering: .relaxed) }
    var dequeueCount: Int { dequeuePosition.load(ordering: .relaxed) }

    /// Enqueues `event`; false (and counted) when the queue is full.
    package func offer(_ event: CallEvent) -> Bool {
        var position = enqueuePosition.load(ordering: .relaxed)
        while true {
            let index = position & mask
            let sequence = sequences[index].load(ordering: .acquiring)
            let difference = sequence &- position
            if difference == 0 {
                let (won, current) = enqueuePosition.weakCompareExchange(
                    expected: position, desired: position &+ 1, ordering: .relaxed)
                if won {
                    slots[index] = event
                    sequences[index].store(position &+ 1, ordering: .releasing)
                    accepted.add(1, ordering: .relaxed)
                    return true
                }
                position = current
            } else if difference < 0 {
                dropped.add(1, ordering: .relaxed)
                return false
            } else {
                position = enqueuePosition.load(ordering: .relaxed)
            }
        }
    }

    /// Takes the oldest event, or nil when the queue is empty.
    package func poll() -> CallEvent? {
        var position = dequeuePosition.load(ordering: .relaxed)
        while true {
            let index = position & mask
            let sequence = sequences[index].load(ordering: .acquiring)
            let difference = sequence &- (position &+ 1)
            if difference == 0 {
                let (won, current) = dequeuePosition.weakCompareExchange(
                    expected: position, desired: position &+ 1, ordering: .relaxed)
                if won {
                    let event = slots[index]
                    slots[index] = nil
                    sequences[index].store(position &+ mask &+ 1, ordering: .releasing)
                    return event
                }
                position = current
            } else if difference < 0 {
                return nil
            } else {
                position = dequeuePosition.load(ordering: .relaxed)
            }
        }
    }

    /// Takes up to `maxCount` events, oldest first, without waiting; empty when there are none.
    package func drain(maxCount: Int) -> [CallEvent] {
        var batch: [CallEvent] = []
        _ = drain(into: &batch, maximum: maxCount)
        return batch
    }

    /// ``CallwardenPorts/AcknowledgedSource``: moves up to `maximum` events, oldest first, into `events`.
    package func drain(into events: inout [CallEvent], maximum: Int) -> Int {
        var moved = 0
        while moved < maximum, let event = poll() {
            events.append(event)
            moved += 1
        }
        return moved
    }
}
