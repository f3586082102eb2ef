/// The tracker's index from a dialog key's hash to the first slot of its chain: an open-addressing
/// table (linear probing, at most half full, backward-shift deletion) that places each hash by its
/// own low bits.
///
/// The hashes come from ``SIPDialogKey/hash(callID:tag:)`` (this process's seeded `Hasher`), so
/// they are spread evenly and hashing them again, as a `Dictionary<UInt64, Int>` does on every
/// lookup, buys nothing. Deliberately not handled: shrinking (the table keeps the size of the most
/// dialogs held at once, which ``SIPDialogTrackerConfiguration/maximumDialogs`` bounds).
struct SIPBucketIndex: Sendable {
    private var hashes: [UInt64]
    /// The slot stored for the hash at the same position; -1 for an empty position.
    private var values: [Int]
    private var mask: Int
    private(set) var count = 0

    init() {
        hashes = Array(repeating: 0, count: 64)
        values = Array(repeating: -1, count: 64)
        mask = 63
    }

    /// The slot stored for `hash`, nil when none is.
    subscript(hash: UInt64) -> Int? {
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let value = values[position]
            if value < 0 { return nil }
            if hashes[position] == hash { return value }
            position = (position &+ 1) & mask
        }
    }

    /// Stores `slot` for `hash`, replacing what was stored.
    mutating func set(_ hash: UInt64, _ slot: Int) {
        precondition(slot >= 0, "a bucket index holds slots, which are not negative")
        if (count + 1) * 2 > values.count { grow() }
        var position = Int(truncatingIfNeeded: hash) & mask
        while values[position] >= 0 {
            if hashes[position] == hash {
                values[position] = slot
                return
            }
            position = (position &+ 1) & mask
        }
        hashes[position] = hash
        values[position] = slot
        count += 1
    }

    /// Forgets `hash`; nothing happens when it is not stored.
    mutating func remove(_ hash: UInt64) {
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            if values[position] < 0 { return }
            if hashes[position] == hash { break }
            position = (position &+ 1) & mask
        }
        // Backward-shift deletion: move later entries of the run into the hole when their home
        // position allows it, so that no lookup meets an empty position before its entry.
        var hole = position
        var next = (hole &+ 1) & mask
        while values[next] >= 0 {
            let home = Int(truncatingIfNeeded: hashes[next]) & mask
            // The entry at `next` may move to `hole` unless its home lies cyclically in (hole, next].
            let distanceToNext = (next &- home) & mask
            let distanceToHole = (hole &- home) & mask
            if distanceToHole < distanceToNext {
                hashes[hole] = hashes[next]
                values[hole] = values[next]
                hole = next
            }
            next = (next &+ 1) & mask
        }
        values[hole] = -1
        count -= 1
    }

    mutating func removeAll() {
        self = SIPBucketIndex()
    }

    private mutating func grow() {
        let oldHashes = hashes
        let oldValues = values
        let capacity = values.count * 2
        hashes = Array(repeating: 0, count: capacity)
        values = Array(repeating: -1, count: capacity)
        mask = capacity - 1
        count = 0
        for position in oldValues.indices where oldValues[position] >= 0 {
            set(oldHashes[position], oldValues[position])
        }
    }
}
