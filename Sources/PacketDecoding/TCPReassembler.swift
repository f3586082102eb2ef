import CallModel

/// One direction of a TCP connection.
struct TCPFlowKey: Hashable {
    var source: TransportEndpoint
    var destination: TransportEndpoint
}

/// The table of TCP flows carrying SIP, within ``TCPReassemblyLimits``.
///
/// A flow is opened by a SYN, or in mid-stream by a segment that starts with a SIP start line (or
/// an HTTP upgrade handshake), so captures started mid-connection still yield messages. Segments of
/// other connections are ignored (`tcpUntracked`). A flow is forgotten on RST, on FIN (bytes after
/// a FIN that arrive out of order are lost), when its first data is not SIP, or after the idle
/// timeout (a flow that has carried no data yet — a SYN without a connection behind it — after at
/// most ``handshakeTimeout``). When the table is full a new flow is not tracked
/// (`tcpFlowTableFull`): existing flows are never evicted for a newcomer, so a SYN flood cannot
/// push out a live SIP connection; its SYN-only flows age out quickly instead.
struct TCPReassembler {
    let limits: TCPReassemblyLimits
    private var flows: [TCPFlowKey: TCPFlow] = [:]
    private(set) var bufferedBytes = 0

    init(limits: TCPReassemblyLimits) {
        self.limits = limits
    }

    var flowCount: Int { flows.count }

    /// Takes one TCP segment (`segment` starts at the TCP header) between `source` and `destination`.
    mutating func receive(
        _ segment: UnsafeRawBufferPointer, source: IPAddress, destination: IPAddress, context: EmitContext,
        counters: inout PacketDecoderCounters, output: inout [SIPPayload]
    ) {
        guard segment.count >= 20 else {
            counters.count(.tcpTruncated)
            return
        }
        let headerLength = Int(segment.uint8(at: 12) >> 4) * 4
        guard headerLength >= 20 else {
            counters.count(.tcpHeaderLengthInvalid)
            return
        }
        guard headerLength <= segment.count else {
            counters.count(.tcpTruncated)
            return
        }
        let flags = segment.uint8(at: 13)
        let fin = flags & 0x01 != 0
        let syn = flags & 0x02 != 0
        let rst = flags & 0x04 != 0
        let sequence = segment.bigEndianUInt32(at: 4)
        let payload = segment.dropping(first: headerLength)
        var context = context
        context.source = TransportEndpoint(address: source, port: segment.bigEndianUInt16(at: 0))
        context.destination = TransportEndpoint(address: destination, port: segment.bigEndianUInt16(at: 2))
        let key = TCPFlowKey(source: context.source, destination: context.destination)

        let index: Dictionary<TCPFlowKey, TCPFlow>.Index
        if let existing = flows.index(forKey: key) {
            index = existing
        } else {
            guard !rst else { return }
            let opensStream = !syn && TCPFlow.startsStream(payload)
            guard syn || opensStream else {
                if !payload.isEmpty { counters.count(.tcpUntracked) }
                return
            }
            guard flows.count < limits.maxFlows else {
                counters.count(.tcpFlowTableFull)
                return
            }
            flows[key] = TCPFlow(
                nextSequence: syn ? sequence &+ 1 : sequence, mode: .undetermined, lastActivity: context.timestamp)
            counters.tcpFlowsOpened &+= 1
            guard let created = flows.index(forKey: key) else { return }
            index = created
        }

        let before = flows.values[index].bufferedBytes
        flows.values[index].receive(
            sequence: sequence, syn: syn, fin: fin, rst: rst, payload: payload, context: context, limits: limits,
            counters: &counters, output: &output)
        bufferedBytes += flows.values[index].bufferedBytes - before
        if bufferedBytes > limits.maxBufferedBytesTotal {
            counters.count(.tcpBufferBudgetExceeded)
            bufferedBytes -= flows.values[index].bufferedBytes
            flows.values[index].dropBuffers(counters: &counters)
        }
        let flow = flows.values[index]
        if flow.closed || flow.mode == .notSIP {
            if flow.closed { counters.tcpFlowsClosed &+= 1 }
            bufferedBytes -= flow.bufferedBytes
            flows.remove(at: index)
        }
    }

    /// How long a flow that has carried no data is kept.
    static let handshakeTimeout = TimeSpan.seconds(30)

    /// Forgets flows without a segment for longer than the idle timeout at `now` (capture time).
    mutating func expireIdle(now: Timestamp, counters: inout PacketDecoderCounters) {
        let cutoff = now - limits.idleTimeout
        let handshakeCutoff = now - min(limits.idleTimeout, Self.handshakeTimeout)
        var idle: [TCPFlowKey] = []
        for (key, flow) in flows where flow.lastActivity < (flow.hasSeenData ? cutoff : handshakeCutoff) {
            idle.append(key)
        }
        for key in idle {
            guard var flow = flows.removeValue(forKey: key) else { continue }
            bufferedBytes -= flow.bufferedBytes
            flow.dropBuffers(counters: &counters)
            counters.tcpFlowsIdleEvicted &+= 1
        }
    }
}
