package import PacketDecoding
package import SIPParsing

/// Everything one ``SIPIngestPipeline`` counted, as plain values (a snapshot the owner reads and
/// exports with ``collectMetrics(into:source:)``). Every SIP payload ends in exactly one place: a
/// parse drop by reason, or one of the tracker's message counters. Deliberately not handled: rates
/// or histories (the scraper turns the cumulative values into rates), and resetting (make a new
/// pipeline).
package struct SIPIngestCounters: Sendable, Equatable {
    /// Frames, SIP payloads found in them, reassembly and drops by ``PacketDecoding/PacketDropReason``.
    package var packets = PacketDecoderCounters()
    /// SIP payloads handed to the parser (from frames or HEP).
    package var payloads: UInt64 = 0
    /// Messages, retransmissions, copies, missing headers, dialogs started, timed out and evicted.
    package var dialogs = SIPDialogCounters()
    /// Dialogs held at the moment of the snapshot (open and recently finished).
    package var dialogsHeld = 0
    /// Call events emitted.
    package var events: UInt64 = 0
    /// SIP messages kept although their body was shorter than Content-Length (a snaplen cut or a
    /// truncated capture); their headers were read as usual. Not a drop.
    package var truncatedBodies: UInt64 = 0
    private var parseDrops = [UInt64](repeating: 0, count: SIPParseError.Code.allCases.count)

    /// SIP messages that did not parse, by `SIPParseError.Code` in snake case (`message_too_long`),
    /// then `missing_headers` (no Call-ID, CSeq or From); non-zero only.
    package var sipMalformed: [(reason: String, count: UInt64)] {
        var drops: [(reason: String, count: UInt64)] = []
        for (index, code) in SIPParseError.Code.allCases.enumerated() where parseDrops[index] > 0 {
            drops.append((code.rawValue.replacingDashes, parseDrops[index]))
        }
        if dialogs.missingHeaders > 0 { drops.append(("missing_headers", UInt64(dialogs.missingHeaders))) }
        return drops
    }

    package init() {}

    /// Adds `other`'s counts: one source's total over the pipelines of its threads.
    package mutating func add(_ other: Self) {
        packets.add(other.packets)
        payloads &+= other.payloads
        dialogs.add(other.dialogs)
        dialogsHeld += other.dialogsHeld
        events &+= other.events
        truncatedBodies &+= other.truncatedBodies
        for index in parseDrops.indices { parseDrops[index] &+= other.parseDrops[index] }
    }

    /// Payloads that did not parse, for one reason.
    package subscript(reason: SIPParseError.Code) -> UInt64 {
        guard let index = SIPParseError.Code.allCases.firstIndex(of: reason) else { return 0 }
        return parseDrops[index]
    }

    mutating func countParseDrop(_ reason: SIPParseError.Code) {
        guard let index = SIPParseError.Code.allCases.firstIndex(of: reason) else { return }
        parseDrops[index] &+= 1
    }

    /// Malformed input dropped, by exported reason name, non-zero only: packet-level reasons
    /// (`packets.dropped.fragment_overlap`, ordinary non-SIP traffic excluded), SIP parse failures
    /// (`sip.dropped.malformed_header_line`) and messages without Call-ID, CSeq or From
    /// (`sip.dropped.missing_headers`).
    package var malformedDrops: [(name: String, count: UInt64)] {
        var drops: [(name: String, count: UInt64)] = []
        for (reason, count) in packets.nonZeroDrops where Self.isMalformed(reason) {
            drops.append((reason.counterName, count))
        }
        drops += sipMalformed.map { ("sip.dropped." + $0.reason, $0.count) }
        return drops
    }

    /// The sum of ``malformedDrops``.
    package var malformedTotal: UInt64 { malformedDrops.reduce(0) { $0 &+ $1.count } }

    /// Whether a packet drop reason is malformed, truncated or over a bound rather than ordinary
    /// traffic that is not SIP (ARP, RTP, other TCP).
    static func isMalformed(_ reason: PacketDropReason) -> Bool {
        switch reason {
        case .notIP, .transportUnsupported, .notSIP, .tcpUntracked, .tcpRetransmission, .hepNotSIP: false
        default: true
        }
    }
}

extension String {
    /// `message-too-long` → `message_too_long`.
    fileprivate var replacingDashes: String { String(map { $0 == "-" ? "_" : $0 }) }
}
