import CallModel

/// Identifies the datagram a fragment belongs to: (source, destination, protocol, identification),
/// as RFC 791 and RFC 8200 define it.
struct FragmentKey: Hashable {
    var source: IPAddress
    var destination: IPAddress
    var identification: UInt32
    var transportProtocol: UInt8
}

/// Reassembles IPv4 and IPv6 fragments into whole datagram payloads, within
/// ``FragmentReassemblyLimits``.
///
/// Policy: an exact duplicate of a fragment already held is ignored; any other overlap discards
/// the whole datagram (`fragmentOverlap`, the RFC 5722 rule, applied to IPv4 too); fragments that
/// disagree on the datagram's end, a non-final fragment whose length is not a multiple of 8, and a
/// datagram over 65,535 bytes discard it too. Deliberately not handled: fragments of one datagram
/// arriving with different link or tunnel encapsulations are not distinguished (the key is
/// addresses + id, as in the IP stack).
struct FragmentReassembler {
    private struct PendingDatagram {
        var firstSeen: Timestamp
        var buffer: [UInt8] = []
        var pieces: [Range<Int>] = []
        var totalLength: Int?
        var receivedBytes = 0
    }

    static let maxDatagramBytes = 65_535

    let limits: FragmentReassemblyLimits
    private var pending: [FragmentKey: PendingDatagram] = [:]
    private(set) var bytesInFlight = 0

    init(limits: FragmentReassemblyLimits) {
        self.limits = limits
    }

    var datagramsInFlight: Int { pending.count }

    /// Adds one fragment's data. Returns the whole payload when this fragment completed its datagram.
    mutating func add(
        _ data: UnsafeRawBufferPointer, key: FragmentKey, position: FragmentPosition, timestamp: Timestamp,
        counters: inout PacketDecoderCounters
    ) -> [UInt8]? {
        counters.fragmentsReceived &+= 1
        let end = position.offset + data.count
        guard end <= Self.maxDatagramBytes else {
            discard(key)
            counters.count(.fragmentTooLarge)
            return nil
        }
        guard !position.moreFragments || (data.count > 0 && data.count % 8 == 0) else {
            discard(key)
            counters.count(.fragmentInconsistent)
            return nil
        }
        guard let index = pending.index(forKey: key) else {
            guard pending.count < limits.maxDatagramsInFlight else {
                counters.count(.fragmentTableFull)
                return nil
            }
            guard bytesInFlight + end <= limits.maxBytesInFlight else {
                counters.count(.fragmentBytesExceeded)
                return nil
            }
            var datagram = PendingDatagram(firstSeen: timestamp)
            if let problem = Self.insert(data, at: position, end: end, into: &datagram, bytesInFlight: &bytesInFlight) {
                counters.count(problem.dropReason)
                bytesInFlight -= datagram.buffer.count
                return nil
            }
            pending[key] = datagram
            return nil
        }
        let growth = max(0, end - pending.values[index].buffer.count)
        guard bytesInFlight + growth <= limits.maxBytesInFlight else {
            discard(key)
            counters.count(.fragmentBytesExceeded)
            return nil
        }
        if let reason = Self.insert(data, at: position, end: end, into: &pending.values[index], bytesInFlight: &bytesInFlight) {
            if reason != .fragmentDuplicate {
                discard(key)
                counters.count(reason.dropReason)
            }
            return nil
        }
        let datagram = pending.values[index]
        guard let total = datagram.totalLength, datagram.receivedBytes == total else { return nil }
        discard(key)
        counters.datagramsReassembled &+= 1
        return Array(datagram.buffer[0..<total])
    }

    /// Discards datagrams whose first fragment is older than the timeout at `now` (capture time).
    mutating func expire(now: Timestamp, counters: inout PacketDecoderCounters) {
        let cutoff = now - limits.timeout
        var expired: [FragmentKey] = []
        for (key, datagram) in pending where datagram.firstSeen < cutoff {
            expired.append(key)
        }
        for key in expired {
            discard(key)
            counters.count(.fragmentTimeout)
        }
    }

    private mutating func discard(_ key: FragmentKey) {
        if let datagram = pending.removeValue(forKey: key) {
            bytesInFlight -= datagram.buffer.count
        }
    }

    private enum InsertProblem: Equatable {
        case fragmentDuplicate
        case overlap
        case inconsistent

        var dropReason: PacketDropReason {
            self == .overlap ? .fragmentOverlap : .fragmentInconsistent
        }
    }

    /// Places the fragment; nil on success, else what was wrong (a duplicate is harmless).
    private static func insert(
        _ data: UnsafeRawBufferPointer, at position: FragmentPosition, end: Int, into datagram: inout PendingDatagram,
        bytesInFlight: inout Int
    ) -> InsertProblem? {
        let range = position.offset..<end
        for piece in datagram.pieces where piece.overlaps(range) {
            if piece == range && datagram.buffer[range].elementsEqual(data) { return .fragmentDuplicate }
            return .overlap
        }
        if position.moreFragments {
            if let total = datagram.totalLength, end > total { return .inconsistent }
        } else {
            if let total = datagram.totalLength, total != end { return .inconsistent }
            if let furthest = datagram.pieces.map(\.upperBound).max(), furthest > end { return .inconsistent }
            datagram.totalLength = end
        }
        if datagram.buffer.count < end {
            bytesInFlight += end - datagram.buffer.count
            datagram.buffer.append(contentsOf: repeatElement(0, count: end - datagram.buffer.count))
        }
        datagram.buffer.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress, let source = data.baseAddress, !data.isEmpty else { return }
            (base + position.offset).copyMemory(from: source, byteCount: data.count)
        }
        datagram.pieces.append(range)
        datagram.receivedBytes += data.count
        return nil
    }
}
