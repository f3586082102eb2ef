package import CallModel

/// What the processor knows about an event's call when the event arrives: whether this is the
/// call's first witness (it is counted now, at this event's counted time) and whether it is the
/// first terminal report of the call (number-hopping reads the talk time of one terminal event).
package struct CallWitness: Hashable, Sendable {
    /// No earlier event of this call id was seen (from any source).
    package var isNewCall: Bool
    /// This is a terminal event and no earlier terminal event of this call id was seen.
    package var isFirstTerminal: Bool
}

/// Correlates every witness of a call — the decision question, the SIP dialog seen through HEP or
/// pcap, the CDR line, the pushed event — by the call's id alone, so that a call is counted once
/// however many sources report it (SIP phases, Asterisk's several CDR rows per linkedid, a
/// question and its dialog). Which ids are shared between sources is documented in
/// ARCHITECTURE.md ("One call, many witnesses"): the PBX configuration has to pass the same id
/// to every source (Kamailio: `$ci` in the question; Asterisk: the linkedid).
///
/// Memory is a fixed-capacity table allocated once: ``capacity`` calls, open addressing with
/// linear probing at a load factor of at most one half, and a ring of keys in insertion order.
/// When full, the call remembered longest ago is evicted (FIFO by first witness) and counted in
/// ``evictions``; a witness of an evicted call arriving later counts that call again. With the
/// default capacity that takes 100,000 other calls between two witnesses of one call, far longer
/// than any call lasts. Every operation is O(1): no allocation after `init`, no rehashing.
///
/// Keys are 64-bit FNV-1a hashes of the call id: a collision would make two calls count as
/// one, with odds that do not matter at PBX volumes. Deliberately not handled: two PBXs whose id
/// schemes collide (Asterisk uniqueids `epoch.sequence` of two boxes): give them distinct
/// system names (Asterisk `systemname`, which prefixes the uniqueid).
///
/// After a restart the daemon's warm-up feeds the stored events of the longest window through
/// the processor, which refills this table from the store: a witness arriving after a kill -9
/// still merges with the stored call (the store is the table's fallback, read at start-up, off
/// the hot path).
package struct CallDeduplicator: Sendable {
    /// How many calls are remembered.
    package let capacity: Int
    /// Calls forgotten to make room, since this value was made.
    package private(set) var evictions: Int = 0
    /// Slot keys (0: empty) and, per slot, whether a terminal event of the call was seen.
    private var keys: [UInt64]
    private var terminalSeen: [Bool]
    private let mask: Int
    /// The keys in the order their calls were first seen (a ring of ``capacity``).
    private var order: [UInt64]
    private var oldest = 0
    private var count = 0

    package init(capacity: Int = 100_000) {
        self.capacity = max(1, capacity)
        var slots = 2
        while slots < self.capacity * 2 { slots <<= 1 }
        keys = [UInt64](repeating: 0, count: slots)
        terminalSeen = [Bool](repeating: false, count: slots)
        mask = slots - 1
        order = [UInt64](repeating: 0, count: self.capacity)
    }

    /// Records `event` as a witness of its call.
    package mutating func witness(_ event: CallEvent) -> CallWitness {
        let key = Self.key(callID: event.callID)
        var slot = Int(truncatingIfNeeded: Self.mix(key)) & mask
        while keys[slot] != 0 {
            if keys[slot] == key {
                let isFirstTerminal = event.isTerminal && !terminalSeen[slot]
                if isFirstTerminal { terminalSeen[slot] = true }
                return CallWitness(isNewCall: false, isFirstTerminal: isFirstTerminal)
            }
            slot = (slot + 1) & mask
        }
        if count == capacity {
            evictOldest()
            // The eviction may have moved entries: find the empty slot again.
            slot = Int(truncatingIfNeeded: Self.mix(key)) & mask
            while keys[slot] != 0 { slot = (slot + 1) & mask }
        }
        keys[slot] = key
        terminalSeen[slot] = event.isTerminal
        order[(oldest + count) % capacity] = key
        count += 1
        return CallWitness(isNewCall: true, isFirstTerminal: event.isTerminal)
    }

    /// True when `event` is the first seen of its call (from any source); records it.
    package mutating func isFirstEvent(of event: CallEvent) -> Bool { witness(event).isNewCall }

    /// Calls remembered now.
    package var rememberedCalls: Int { count }

    private mutating func evictOldest() {
        let key = order[oldest]
        oldest = (oldest + 1) % capacity
        count -= 1
        evictions += 1
        var hole = Int(truncatingIfNeeded: Self.mix(key)) & mask
        while keys[hole] != key {
            guard keys[hole] != 0 else { return }
            hole = (hole + 1) & mask
        }
        // Backward-shift deletion: pull later entries of the probe run into the hole when their
        // home slot allows it, so lookups never need tombstones.
        var next = hole
        while true {
            next = (next + 1) & mask
            let moving = keys[next]
            if moving == 0 { break }
            let home = Int(truncatingIfNeeded: Self.mix(moving)) & mask
            if (next - home) & mask >= (next - hole) & mask {
                keys[hole] = moving
                terminalSeen[hole] = terminalSeen[next]
                hole = next
            }
        }
        keys[hole] = 0
        terminalSeen[hole] = false
    }

    /// FNV-1a of the call id's UTF-8 bytes; never 0 (0 marks an empty slot).
    static func key(callID: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var id = callID
        id.withUTF8 { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        return hash == 0 ? 1 : hash
    }

    /// Spreads the hash's bits over the low ones used as the slot (FNV's low bits are weak).
    private static func mix(_ key: UInt64) -> UInt64 {
        var value = key
        value ^= value >> 33
        value &*= 0xff51_afd7_ed55_8ccd
        value ^= value >> 33
        return value
    }
}
