/// Per-key state with a hard cap on the number of keys and a least-recently-seen eviction order.
///
/// Slots live in flat arrays and are reused through a free list; a doubly linked list over slot
/// indices keeps the keys in the order they were last seen, so finding, touching, inserting and
/// evicting are O(1). Eviction policy: when a new key arrives and the table is full, the key seen
/// longest ago (in observation order) is dropped and forgets everything it counted. ``removeStale(before:)``
/// is the age-based sweep `tick(now:)` uses; it visits only the keys it removes.
struct RecencyTable<Key: Hashable, Value> {
    private var slotsByKey: [Key: Int32] = [:]
    private var keys: [Key?] = []
    private var values: [Value?] = []
    private var newestTimes: [Int64] = []
    private var newerSlot: [Int32] = []
    private var olderSlot: [Int32] = []
    private var newest: Int32 = -1
    private var oldest: Int32 = -1
    private var freeSlots: [Int32] = []
    let capacity: Int
    /// Keys dropped because the table was full.
    private(set) var evictedCount = 0

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { slotsByKey.count }

    /// The slot of `key` without touching its recency.
    func slot(of key: Key) -> Int? {
        slotsByKey[key].map { Int($0) }
    }

    /// The slot of `key`, created with `makeValue()` when absent (evicting the least recently seen key
    /// when full), marked as the most recently seen, with `time` folded into its newest time.
    mutating func slot(for key: Key, seenAt time: Int64, makeValue: () -> Value) -> Int {
        if let existing = slotsByKey[key] {
            let slot = Int(existing)
            if time > newestTimes[slot] { newestTimes[slot] = time }
            moveToNewest(existing)
            return slot
        }
        if slotsByKey.count >= capacity, oldest >= 0 {
            removeSlot(Int(oldest))
            evictedCount += 1
        }
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            keys[Int(slot)] = key
            values[Int(slot)] = makeValue()
            newestTimes[Int(slot)] = time
        } else {
            slot = Int32(keys.count)
            keys.append(key)
            values.append(makeValue())
            newestTimes.append(time)
            newerSlot.append(-1)
            olderSlot.append(-1)
        }
        slotsByKey[key] = slot
        linkAsNewest(slot)
        return Int(slot)
    }

    /// Runs `body` on the value in `slot` in place (no copy of the value's storage).
    @discardableResult
    mutating func update<Result>(_ slot: Int, _ body: (inout Value) -> Result) -> Result {
        body(&values[slot]!)
    }

    func value(at slot: Int) -> Value {
        values[slot]!
    }

    /// Removes `key` and its state; false when it was not there.
    @discardableResult
    mutating func remove(_ key: Key) -> Bool {
        guard let slot = slotsByKey[key] else { return false }
        removeSlot(Int(slot))
        return true
    }

    /// Removes keys from the least recently seen end while their newest time is before `cutoff`,
    /// and stops at the first key seen at or after it; returns how many were removed.
    ///
    /// The cost is O(keys removed), not O(keys): this is what lets `tick(now:)` run every minute of
    /// event time over a million keys. Keys are in observation order, which is time order for a
    /// stream in time order; a key touched by a late (out-of-order) event sits newer in the list than
    /// its time says and is removed when it reaches the end, or evicted by the capacity bound. Such a
    /// lingering key is harmless: each rule drops calls and episodes older than its window when the
    /// key is next observed.
    @discardableResult
    mutating func removeStale(before cutoff: Int64) -> Int {
        var removed = 0
        while oldest >= 0, newestTimes[Int(oldest)] < cutoff {
            removeSlot(Int(oldest))
            removed += 1
        }
        return removed
    }

    private mutating func removeSlot(_ slot: Int) {
        unlink(Int32(slot))
        if let key = keys[slot] { slotsByKey.removeValue(forKey: key) }
        keys[slot] = nil
        values[slot] = nil
        freeSlots.append(Int32(slot))
    }

    private mutating func moveToNewest(_ slot: Int32) {
        guard newest != slot else { return }
        unlink(slot)
        linkAsNewest(slot)
    }

    private mutating func linkAsNewest(_ slot: Int32) {
        olderSlot[Int(slot)] = newest
        newerSlot[Int(slot)] = -1
        if newest >= 0 { newerSlot[Int(newest)] = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    private mutating func unlink(_ slot: Int32) {
        let older = olderSlot[Int(slot)]
        let newer = newerSlot[Int(slot)]
        if older >= 0 { newerSlot[Int(older)] = newer } else if oldest == slot { oldest = newer }
        if newer >= 0 { olderSlot[Int(newer)] = older } else if newest == slot { newest = older }
        olderSlot[Int(slot)] = -1
        newerSlot[Int(slot)] = -1
    }
}

extension RecencyTable: Sendable where Key: Sendable, Value: Sendable {}
