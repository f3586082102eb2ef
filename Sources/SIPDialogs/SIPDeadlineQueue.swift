import CallModel

/// The tracker's timeouts in time order: a binary min-heap of (deadline, ticket, slot), so that a
/// sweep touches only the dialogs that are due, never every dialog held.
///
/// Entries are never updated in place: a dialog whose deadline moves earlier gets a new entry
/// with a new ticket and the old one goes stale (the tracker compares tickets when it pops). A
/// deadline that moves later keeps its old, earlier entry until it is popped and pushed again.
/// Deliberately not handled: removing an entry from the middle (stale entries are skipped, and
/// dropped in bulk by ``keepOnly(_:)`` when they outnumber the live ones).
struct SIPDeadlineQueue: Sendable {
    struct Entry: Sendable {
        var deadline: Timestamp
        var ticket: UInt64
        var slot: Int
    }

    private var heap: [Entry] = []

    var first: Entry? { heap.first }
    var count: Int { heap.count }

    mutating func removeAll() { heap.removeAll(keepingCapacity: true) }

    /// Keeps only the entries `isLive` accepts (a sorted array is a valid heap).
    mutating func keepOnly(_ isLive: (Entry) -> Bool) {
        heap = heap.filter(isLive)
        heap.sort(by: Self.before)
    }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func popFirst() -> Entry? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return top }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var smallest = left
            if left + 1 < heap.count, Self.before(heap[left + 1], heap[left]) { smallest = left + 1 }
            guard Self.before(heap[smallest], heap[parent]) else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    private static func before(_ lhs: Entry, _ rhs: Entry) -> Bool {
        lhs.deadline < rhs.deadline || (lhs.deadline == rhs.deadline && lhs.ticket < rhs.ticket)
    }
}
