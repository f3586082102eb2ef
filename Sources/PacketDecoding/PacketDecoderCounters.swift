/// What a ``PacketDecoder`` has seen and done since it was made: plain integers, read by the owner
/// (the capture service exports them). Incrementing allocates nothing.
package struct PacketDecoderCounters: Sendable, Equatable {
    package var frames: UInt64 = 0
    package var sipMessages: UInt64 = 0
    package var hepPackets: UInt64 = 0
    package var fragmentsReceived: UInt64 = 0
    package var datagramsReassembled: UInt64 = 0
    package var tcpFlowsOpened: UInt64 = 0
    /// TCP flows removed because they were idle longer than the idle timeout.
    package var tcpFlowsIdleEvicted: UInt64 = 0
    /// TCP flows removed on FIN or RST.
    package var tcpFlowsClosed: UInt64 = 0
    /// Out-of-order TCP segments held back until the gap before them filled.
    package var tcpSegmentsReordered: UInt64 = 0
    private var drops = [UInt64](repeating: 0, count: PacketDropReason.allCases.count)

    package init() {}

    /// The count for one drop reason.
    package subscript(reason: PacketDropReason) -> UInt64 {
        drops[reason.rawValue]
    }

    /// Every drop, of every reason (ignored traffic included).
    package var totalDropped: UInt64 { drops.reduce(0, &+) }

    /// Drops that were not ordinary non-SIP traffic: malformed, truncated or over a bound.
    package var malformedOrOverBound: UInt64 {
        let ignored: Set<PacketDropReason> = [.notIP, .transportUnsupported, .notSIP, .tcpUntracked, .tcpRetransmission, .hepNotSIP]
        return PacketDropReason.allCases.reduce(0) { ignored.contains($1) ? $0 : $0 &+ drops[$1.rawValue] }
    }

    /// Non-zero drop counters by reason, for export and test messages.
    package var nonZeroDrops: [(reason: PacketDropReason, count: UInt64)] {
        PacketDropReason.allCases.compactMap { drops[$0.rawValue] == 0 ? nil : ($0, drops[$0.rawValue]) }
    }

    /// Adds `other`'s counts (several decoders behind one source).
    package mutating func add(_ other: Self) {
        frames &+= other.frames
        sipMessages &+= other.sipMessages
        hepPackets &+= other.hepPackets
        fragmentsReceived &+= other.fragmentsReceived
        datagramsReassembled &+= other.datagramsReassembled
        tcpFlowsOpened &+= other.tcpFlowsOpened
        tcpFlowsIdleEvicted &+= other.tcpFlowsIdleEvicted
        tcpFlowsClosed &+= other.tcpFlowsClosed
        tcpSegmentsReordered &+= other.tcpSegmentsReordered
        for index in drops.indices { drops[index] &+= other.drops[index] }
    }

    @inline(__always)
    mutating func count(_ reason: PacketDropReason) {
        drops[reason.rawValue] &+= 1
    }
}
