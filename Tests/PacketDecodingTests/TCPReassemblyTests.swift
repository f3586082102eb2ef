import CallModel
import PacketDecoding
import PacketTestSupport
import Testing

/// TCP stream reassembly and SIP framing by Content-Length.
@Suite("TCP reassembly")
struct TCPReassemblyTests {
    static let first = SIPMessages.request(callID: "tcp-1@example.test", body: SIPMessages.body(size: 900))
    static let second = SIPMessages.response(180, callID: "tcp-1@example.test")
    static let third = SIPMessages.request("BYE", callID: "tcp-1@example.test", compactLength: true)
    static let stream = first + second + third
    static let isn: UInt32 = 0xffff_ff00  // wraps around 2^32 inside the stream

    static func segment(_ offset: Int, _ bytes: ArraySlice<UInt8>, flags: UInt8 = FrameBuilder.ack, sourcePort: UInt16 = 40000) -> [UInt8] {
        FrameBuilder.ethernet(
            FrameBuilder.ipv4(protocol: 6, FrameBuilder.tcp(sourcePort, 5060, sequence: isn &+ 1 &+ UInt32(offset), flags: flags, Array(bytes))))
    }

    static func syn(sourcePort: UInt16 = 40000) -> [UInt8] {
        FrameBuilder.ethernet(FrameBuilder.ipv4(protocol: 6, FrameBuilder.tcp(sourcePort, 5060, sequence: isn, flags: FrameBuilder.syn)))
    }

    /// The stream cut into segments at `cuts`.
    static func segments(cutAt cuts: [Int]) -> [[UInt8]] {
        let bounds = [0] + cuts + [stream.count]
        return zip(bounds, bounds.dropFirst()).map { segment($0, stream[$0..<$1]) }
    }

    static func callIDsAndKinds(_ payloads: [SIPPayload]) -> [String] {
        payloads.map { String(decoding: $0.bytes.prefix(while: { $0 != 32 }), as: UTF8.self) }
    }

    @Test("messages split over segments and packed into one come out framed", arguments: [
        [Int](),  // all three in one segment
        [100, 500, 1_000],  // the first split three ways, then the rest packed
        [5],  // a cut inside the start line
        [Self.first.count - 2, Self.first.count + 3],  // cuts inside the CRLFCRLF and the next start line
        Array(stride(from: 1, to: Self.stream.count, by: 1)),  // one byte per segment
    ])
    func splitAndPacked(cuts: [Int]) {
        var harness = DecoderHarness()
        let payloads = harness.feed([Self.syn()] + Self.segments(cutAt: cuts))
        #expect(payloads.map(\.bytes) == [Self.first, Self.second, Self.third])
        #expect(payloads.allSatisfy { $0.transport == .tcp && $0.source.port == 40000 })
        #expect(harness.counters.malformedOrOverBound == 0, "\(harness.counters.nonZeroDrops)")
    }

    @Test("the origin is the frame that completed each message")
    func completingFrame() {
        var harness = DecoderHarness()
        let payloads = harness.feed([Self.syn()] + Self.segments(cutAt: [600, Self.first.count + 10]))
        #expect(payloads.map(\.origin) == [.frame(number: 3), .frame(number: 4), .frame(number: 4)])
    }

    @Test("out-of-order segments are held until the gap fills", arguments: [[2, 1, 0], [1, 2, 0], [0, 2, 1]])
    func outOfOrder(order: [Int]) {
        var harness = DecoderHarness()
        let pieces = Self.segments(cutAt: [700, 1_200])
        let payloads = harness.feed([Self.syn()] + order.map { pieces[$0] })
        #expect(payloads.map(\.bytes) == [Self.first, Self.second, Self.third])
        #expect(harness.counters.tcpSegmentsReordered >= 1)
    }

    @Test("retransmissions and overlapping segments add only new bytes")
    func retransmissionOverlap() {
        var harness = DecoderHarness()
        let s = Self.stream
        let frames = [
            Self.syn(), Self.segment(0, s[0..<500]), Self.segment(0, s[0..<500]),  // exact retransmission
            Self.segment(300, s[300..<900]),  // overlaps 200 old bytes
            Self.segment(900, s[900...]),
        ]
        let payloads = harness.feed(frames)
        #expect(payloads.map(\.bytes) == [Self.first, Self.second, Self.third])
        #expect(harness.counters[.tcpRetransmission] == 1)
    }

    @Test("a capture that starts mid-connection picks up at the next SIP start line")
    func midStreamPickup() {
        var harness = DecoderHarness()
        let tail = Self.segment(200, Self.stream[200..<Self.first.count])  // the rest of a message we never saw start
        let rest = Self.segment(Self.first.count, Self.stream[Self.first.count...])
        let payloads = harness.feed([tail, rest])
        #expect(payloads.map(\.bytes) == [Self.second, Self.third])
        #expect(harness.counters[.tcpUntracked] == 1)
    }

    @Test("RST and FIN forget the flow; idle flows are evicted")
    func cleanup() {
        var harness = DecoderHarness(configuration: .init(tcp: .init(idleTimeout: .seconds(60))))
        _ = harness.feed([Self.syn(sourcePort: 1), Self.segment(0, Self.stream[0..<100], sourcePort: 1)])
        _ = harness.feed([Self.syn(sourcePort: 2), Self.segment(0, Self.stream[0..<100], sourcePort: 2)])
        _ = harness.feed([Self.syn(sourcePort: 3)])
        #expect(harness.decoder.tcpFlowsTracked == 3)
        _ = harness.feed(Self.segment(100, [], flags: FrameBuilder.rst, sourcePort: 1))
        _ = harness.feed(Self.segment(100, [], flags: FrameBuilder.fin | FrameBuilder.ack, sourcePort: 2))
        #expect(harness.decoder.tcpFlowsTracked == 1)
        #expect(harness.counters.tcpFlowsClosed == 2)
        #expect(harness.counters[.tcpIncompleteMessage] == 2, "each closed with half a message buffered")
        _ = harness.feed([FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 2, [0])))], advance: .seconds(61))
        #expect(harness.decoder.tcpFlowsTracked == 0)
        #expect(harness.counters.tcpFlowsIdleEvicted == 1)
    }

    @Test("flows that never carried data age out after the handshake timeout")
    func synOnlyFlowsAgeOut() {
        var harness = DecoderHarness()
        _ = harness.feed([Self.syn(sourcePort: 1), Self.syn(sourcePort: 2), Self.segment(0, Self.stream[0..<100], sourcePort: 2)])
        _ = harness.feed([FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 2, [0])))], advance: .seconds(31))
        #expect(harness.decoder.tcpFlowsTracked == 1, "the flow with data stays until the idle timeout")
        #expect(harness.counters.tcpFlowsIdleEvicted == 1)
    }

    @Test("a full flow table refuses new flows, keeping the tracked ones")
    func flowTableBound() {
        var harness = DecoderHarness(configuration: .init(tcp: .init(maxFlows: 2)))
        _ = harness.feed([Self.syn(sourcePort: 1), Self.syn(sourcePort: 2), Self.syn(sourcePort: 3)])
        #expect(harness.counters[.tcpFlowTableFull] == 1)
        let payloads = harness.feed(Self.segment(0, Self.stream[...], sourcePort: 1))
        #expect(payloads.count == 3)
    }

    @Test("too many out-of-order segments give the gap up and re-sync at the next message")
    func outOfOrderOverflow() {
        var harness = DecoderHarness(configuration: .init(tcp: .init(maxOutOfOrderSegmentsPerFlow: 2)))
        let s = Self.stream
        let second = Self.first.count
        let third = second + Self.second.count
        let frames = [
            Self.syn(), Self.segment(0, s[0..<10]),
            // s[10..<20] is lost; the next three wait, the third overflows.
            Self.segment(20, s[20..<30]), Self.segment(30, s[30..<second]), Self.segment(second, s[second..<third]),
            Self.segment(third, s[third...]),
        ]
        let payloads = harness.feed(frames)
        #expect(harness.counters[.tcpOutOfOrderOverflow] == 1)
        #expect(payloads.map(\.bytes) == [Self.second, Self.third])
    }

    @Test("a stream that never ends its headers is dropped at the message bound")
    func messageBound() {
        var harness = DecoderHarness(configuration: .init(tcp: .init(maxMessageBytes: 2_000)))
        let endless = Array("INVITE sip:a@b SIP/2.0\r\nX: ".utf8) + [UInt8](repeating: 65, count: 3_000)
        let frames = [Self.syn(), Self.segment(0, endless[0..<1_500]), Self.segment(1_500, endless[1_500...])]
        #expect(harness.feed(frames).isEmpty)
        #expect(harness.counters[.tcpMessageTooLarge] == 1)
        // The flow re-syncs: the next message framed normally.
        let next = Self.segment(endless.count, Self.second[...])
        #expect(harness.feed(next).map(\.bytes) == [Self.second])
    }

    @Test("a connection whose first data is not SIP is not tracked")
    func notSIP() {
        var harness = DecoderHarness()
        let http = Array("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        _ = harness.feed([Self.syn(), Self.segment(0, http[...])])
        #expect(harness.decoder.tcpFlowsTracked == 0)
        let tls: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]
        _ = harness.feed([Self.syn(sourcePort: 9), Self.segment(0, tls[...], sourcePort: 9)])
        #expect(harness.decoder.tcpFlowsTracked == 0)
    }

    @Test("the total buffer budget drops a flow's buffers, not the process")
    func bufferBudget() {
        var harness = DecoderHarness(configuration: .init(tcp: .init(maxBufferedBytesTotal: 1_000)))
        let frames = [Self.syn(), Self.segment(0, Self.stream[0..<900]), Self.segment(900, Self.stream[900..<1_100])]
        _ = harness.feed(frames)
        #expect(harness.counters[.tcpBufferBudgetExceeded] == 1)
    }

    @Test("SIP over WebSocket: handshake, masked client frames, fragmented messages, control frames")
    func webSocket() {
        var harness = DecoderHarness()
        let handshake = Array("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n".utf8)
        let message = SIPMessages.request("REGISTER", callID: "ws@x")
        let ping = WebSocketFrames.frame(opcode: 9, payload: [1, 2], mask: 0x0102_0304)
        let whole = WebSocketFrames.frame(opcode: 1, payload: message, mask: 0xa1b2_c3d4)
        let part1 = WebSocketFrames.frame(opcode: 1, fin: false, payload: Array(message[0..<50]), mask: 7)
        let part2 = WebSocketFrames.frame(opcode: 0, payload: Array(message[50...]), mask: 9)
        let stream = handshake + ping + whole + part1 + part2
        let payloads = harness.feed([Self.syn()] + [Self.segment(0, stream[0..<40]), Self.segment(40, stream[40...])])
        #expect(payloads.map(\.bytes) == [message, message])
        #expect(payloads.allSatisfy { $0.transport == .webSocket })
    }
}

/// WebSocket frames for tests.
enum WebSocketFrames {
    static func frame(opcode: UInt8, fin: Bool = true, payload: [UInt8], mask: UInt32?) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        if payload.count < 126 {
            bytes.append(maskBit | UInt8(payload.count))
        } else {
            bytes.append(maskBit | 126)
            bytes.append16(UInt16(payload.count))
        }
        guard let mask else { return bytes + payload }
        let key = HEPBuilder.u32(mask)
        bytes += key
        return bytes + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }
}
