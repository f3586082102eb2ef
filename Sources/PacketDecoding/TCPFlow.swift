import CallModel
import SIPParsing

/// One direction of a TCP connection: the sequence number expected next, the bytes not yet framed,
/// and out-of-order segments held until the gap before them fills.
///
/// Policy: a segment entirely before `nextSequence` is a retransmission and ignored; one that
/// overlaps it contributes only its new bytes (the first copy of a byte wins). Out-of-order
/// segments over the per-flow bound give the gap up: held bytes and the partial message are
/// dropped and the flow re-syncs at the next segment that starts with a SIP start line.
struct TCPFlow {
    enum Mode: Equatable {
        /// No data yet (the flow was opened by a SYN): the first bytes decide.
        case undetermined
        case sip
        /// An HTTP request or response that may upgrade the connection to WebSocket.
        case httpUpgrade
        case webSocket
        /// Not SIP: the owner forgets the flow.
        case notSIP
    }

    struct HeldSegment {
        var sequence: UInt32
        var bytes: [UInt8]
    }

    var nextSequence: UInt32
    var mode: Mode
    /// Whether `stream` starts at a message (or WebSocket frame) boundary.
    var synchronized = true
    var stream: [UInt8] = []
    var held: [HeldSegment] = []
    var heldBytes = 0
    /// The fragments of a WebSocket message whose final frame has not arrived.
    var webSocketMessage: [UInt8]?
    var lastActivity: Timestamp
    var hasSeenData = false
    var closed = false

    init(nextSequence: UInt32, mode: Mode, lastActivity: Timestamp) {
        self.nextSequence = nextSequence
        self.mode = mode
        self.lastActivity = lastActivity
    }

    /// Bytes this flow holds in buffers (for the table's total budget).
    var bufferedBytes: Int { stream.count + heldBytes + (webSocketMessage?.count ?? 0) }

    /// Whether a segment may open a flow in mid-stream: it starts with a SIP start line or an HTTP
    /// request/response that may upgrade to WebSocket.
    static func startsStream(_ payload: UnsafeRawBufferPointer) -> Bool {
        SIPStartLine.matches(payload) || HTTPUpgradeDetector.startsHTTP(payload)
    }

    mutating func receive(
        sequence rawSequence: UInt32, syn: Bool, fin: Bool, rst: Bool, payload: UnsafeRawBufferPointer,
        context: EmitContext, limits: TCPReassemblyLimits, counters: inout PacketDecoderCounters,
        output: inout [SIPPayload]
    ) {
        lastActivity = context.timestamp
        if rst {
            close(counters: &counters)
            return
        }
        var sequence = rawSequence
        if syn {
            if !hasSeenData { nextSequence = sequence &+ 1 }
            sequence &+= 1
        }
        if !payload.isEmpty {
            let ahead = Int32(bitPattern: sequence &- nextSequence)
            if ahead > 0 {
                hold(payload, sequence: sequence, context: context, limits: limits, counters: &counters, output: &output)
            } else {
                let skip = Int(-Int64(ahead))
                if skip >= payload.count {
                    counters.count(.tcpRetransmission)
                } else {
                    nextSequence = sequence &+ UInt32(truncatingIfNeeded: payload.count)
                    accept(payload.dropping(first: skip), context: context, limits: limits, counters: &counters, output: &output)
                    releaseHeld(context: context, limits: limits, counters: &counters, output: &output)
                }
            }
        }
        if fin { close(counters: &counters) }
    }

    /// Drops every buffer (the flow is closing, or the table's budget ran out).
    mutating func dropBuffers(counters: inout PacketDecoderCounters) {
        if !stream.isEmpty || webSocketMessage != nil { counters.count(.tcpIncompleteMessage) }
        stream = []
        held = []
        heldBytes = 0
        webSocketMessage = nil
        synchronized = false
    }

    private mutating func close(counters: inout PacketDecoderCounters) {
        dropBuffers(counters: &counters)
        closed = true
    }

    private mutating func hold(
        _ payload: UnsafeRawBufferPointer, sequence: UInt32, context: EmitContext, limits: TCPReassemblyLimits,
        counters: inout PacketDecoderCounters, output: inout [SIPPayload]
    ) {
        guard held.count < limits.maxOutOfOrderSegmentsPerFlow,
            heldBytes + payload.count <= limits.maxOutOfOrderBytesPerFlow
        else {
            counters.count(.tcpOutOfOrderOverflow)
            dropBuffers(counters: &counters)
            nextSequence = sequence &+ UInt32(truncatingIfNeeded: payload.count)
            accept(payload, context: context, limits: limits, counters: &counters, output: &output)
            return
        }
        held.append(HeldSegment(sequence: sequence, bytes: [UInt8](payload)))
        heldBytes += payload.count
    }

    private mutating func releaseHeld(
        context: EmitContext, limits: TCPReassemblyLimits, counters: inout PacketDecoderCounters,
        output: inout [SIPPayload]
    ) {
        // At most `maxOutOfOrderSegmentsPerFlow` held: a linear search for the earliest is cheap.
        while !held.isEmpty {
            var earliest = 0
            var earliestAhead = Int32(bitPattern: held[0].sequence &- nextSequence)
            for index in held.indices.dropFirst() {
                let ahead = Int32(bitPattern: held[index].sequence &- nextSequence)
                if ahead < earliestAhead {
                    earliest = index
                    earliestAhead = ahead
                }
            }
            guard earliestAhead <= 0 else { return }
            let segment = held.remove(at: earliest)
            heldBytes -= segment.bytes.count
            let skip = Int(-Int64(earliestAhead))
            guard skip < segment.bytes.count else { continue }
            counters.tcpSegmentsReordered &+= 1
            nextSequence = segment.sequence &+ UInt32(truncatingIfNeeded: segment.bytes.count)
            segment.bytes.withUnsafeBytes { bytes in
                accept(bytes.dropping(first: skip), context: context, limits: limits, counters: &counters, output: &output)
            }
        }
    }

    /// Takes in-order bytes: frames what it can straight from them and keeps the rest.
    private mutating func accept(
        _ bytes: UnsafeRawBufferPointer, context: EmitContext, limits: TCPReassemblyLimits,
        counters: inout PacketDecoderCounters, output: inout [SIPPayload]
    ) {
        hasSeenData = true
        if !synchronized {
            guard mode == .sip || mode == .undetermined, SIPStartLine.matches(bytes) else { return }
            synchronized = true
            mode = .sip
        }
        if stream.isEmpty {
            let consumed = frame(bytes, context: context, limits: limits, counters: &counters, output: &output)
            if consumed < bytes.count && synchronized { stream.append(contentsOf: bytes.dropping(first: consumed)) }
            return
        }
        var buffer: [UInt8] = []
        swap(&buffer, &stream)
        buffer.append(contentsOf: bytes)
        let consumed = buffer.withUnsafeBytes { all in
            frame(all, context: context, limits: limits, counters: &counters, output: &output)
        }
        if synchronized && consumed < buffer.count {
            buffer.removeFirst(consumed)
            swap(&buffer, &stream)
        }
    }
}
