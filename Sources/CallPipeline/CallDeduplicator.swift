package import CallModel

/// Tells whether an event is the first one seen of its call, so that a call is counted once even
/// when a source reports it several times (SIP phases, Asterisk's several CDR rows per linkedid).
///
/// Memory is bounded by two generations of 64-bit call keys: when the current generation holds
/// ``generationCapacity`` keys it becomes the previous one and the older generation is dropped.
/// A call whose events are further apart than two generations' worth of other calls is counted
/// twice; with the default capacity that is over 100,000 calls in between, far more than any
/// single call's lifetime. Keys are FNV-1a hashes of source and call id: a 64-bit collision would
/// make two calls count as one, with odds that do not matter at PBX volumes.
package struct CallDeduplicator: Sendable {
    package let generationCapacity: Int
    private var current: Set<UInt64> = []
    private var previous: Set<UInt64> = []

    package init(generationCapacity: Int = 100_000) {
        self.generationCapacity = max(1, generationCapacity)
        current.reserveCapacity(self.generationCapacity)
    }

    /// Records the call of `event`; true when it had not been seen before.
    package mutating func isFirstEvent(of event: CallEvent) -> Bool {
        let key = Self.key(source: event.source, callID: event.callID)
        if current.contains(key) || previous.contains(key) { return false }
        if current.count >= generationCapacity {
            previous = current
            current = Set(minimumCapacity: generationCapacity)
        }
        current.insert(key)
        return true
    }

    static func key(source: EventSource, callID: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in source.rawValue.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash = (hash ^ 0x1f) &* 0x0000_0100_0000_01b3
        var id = callID
        id.withUTF8 { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        return hash
    }
}
