import CallModel

/// Joins SCTP user messages that were split over several DATA chunks (B … E flags), per
/// association direction and stream, within bounds.
///
/// Policy: fragments must arrive in TSN order (the usual case in a capture); a gap, a fragment
/// without its first, or a message over `maxMessageBytes` drops the partial message
/// (`sctpFragmentedMessage`). At most `maxPending` partial messages are held; a partial message
/// older than `timeout` (capture time) is dropped on sweep. Deliberately not handled: fragments
/// arriving out of TSN order, and interleaving (I-DATA).
struct SCTPReassembler {
    struct Key: Hashable {
        var source: TransportEndpoint
        var destination: TransportEndpoint
        var streamID: UInt16
    }

    private struct Partial {
        var nextSequence: UInt32
        var bytes: [UInt8]
        var firstSeen: Timestamp
    }

    let maxPending: Int
    let maxMessageBytes: Int
    let timeout: TimeSpan
    private var partials: [Key: Partial] = [:]

    init(maxPending: Int = 1_024, maxMessageBytes: Int = 64 << 10, timeout: TimeSpan = .seconds(30)) {
        self.maxPending = maxPending
        self.maxMessageBytes = maxMessageBytes
        self.timeout = timeout
    }

    /// Takes one DATA chunk. Calls `complete` with a whole user message: the chunk's own data when
    /// it was unfragmented, else the joined fragments once the last arrived.
    mutating func add(
        _ chunk: SCTPDataChunk, key: Key, timestamp: Timestamp, counters: inout PacketDecoderCounters,
        complete: (UnsafeRawBufferPointer, inout PacketDecoderCounters) -> Void
    ) {
        if chunk.isFirstFragment && chunk.isLastFragment {
            complete(chunk.data, &counters)
            return
        }
        if chunk.isFirstFragment {
            if partials.removeValue(forKey: key) != nil { counters.count(.sctpFragmentedMessage) }
            guard partials.count < maxPending, chunk.data.count <= maxMessageBytes else {
                counters.count(.sctpFragmentedMessage)
                return
            }
            partials[key] = Partial(
                nextSequence: chunk.transmissionSequence &+ 1, bytes: [UInt8](chunk.data), firstSeen: timestamp)
            return
        }
        guard let index = partials.index(forKey: key) else {
            counters.count(.sctpFragmentedMessage)
            return
        }
        guard partials.values[index].nextSequence == chunk.transmissionSequence,
            partials.values[index].bytes.count + chunk.data.count <= maxMessageBytes
        else {
            partials.remove(at: index)
            counters.count(.sctpFragmentedMessage)
            return
        }
        partials.values[index].bytes.append(contentsOf: chunk.data)
        partials.values[index].nextSequence &+= 1
        guard chunk.isLastFragment else { return }
        let message = partials.remove(at: index).value.bytes
        message.withUnsafeBytes { complete($0, &counters) }
    }

    /// Drops partial messages older than the timeout at `now`.
    mutating func expire(now: Timestamp, counters: inout PacketDecoderCounters) {
        let cutoff = now - timeout
        let stale = partials.filter { $0.value.firstSeen < cutoff }.map(\.key)
        for key in stale {
            partials.removeValue(forKey: key)
            counters.count(.sctpFragmentedMessage)
        }
    }
}
