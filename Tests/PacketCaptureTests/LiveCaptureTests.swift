import CallModel
import BoundedQueues
import PacketCapture
import PacketDecoding
import PacketTestSupport
import Testing

/// Live capture on real interfaces while the test sends SIP over loopback. Needs CAP_NET_RAW (root
/// here); without it the tests are disabled with that reason.
@Suite("live capture", .serialized)
struct LiveCaptureTests {
    static let canCapture: Bool = {
        do {
            let capture = try LiveCapture(configuration: .init(interface: "lo", filter: "udp port 9"))
            capture.stop()
            return true
        } catch {
            return false
        }
    }()

    /// Pops frames until `expected` SIP payloads were decoded or 60 s passed (a bound for a loaded CI
    /// machine, not a timing assertion).
    static func collect(_ capture: LiveCapture, expected: Int) async -> (payloads: [SIPPayload], decoder: PacketDecoder) {
        var decoder = PacketDecoder()
        var payloads: [SIPPayload] = []
        var frameNumber: UInt64 = 0
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while payloads.count < expected, clock.now < deadline {
            guard let frame = await capture.frames.pop(waitingUpTo: .milliseconds(200)) else { continue }
            frameNumber += 1
            decoder.decode(frame, frameNumber: frameNumber, into: &payloads)
        }
        return (payloads, decoder)
    }

    @Test("SIP datagrams sent over lo are captured and decoded", .enabled(if: canCapture, "needs CAP_NET_RAW to capture"))
    func loopback() async throws {
        let sender = LoopbackSender()
        let capture = try LiveCapture(
            configuration: .init(interface: "lo", sipPorts: [sender.port], hepPorts: [], immediateMode: true))
        #expect(capture.linkType == .ethernet, "Linux lo captures are Ethernet with zero MACs")
        #expect(capture.filter.contains("port \(sender.port)") && capture.filter.contains("vlan"))
        try capture.start()
        let callIDs = (1...3).map { "live-\($0)-\(sender.port)@example.test" }
        // The datagram that is not SIP goes first: collecting stops at the third SIP payload, and by
        // then every frame sent before it has been captured (sent last, it could still be on its way
        // when the capture stops).
        sender.send(Array("not sip at all".utf8))
        for callID in callIDs { sender.send(SIPMessages.request(callID: callID)) }
        let (payloads, decoder) = await Self.collect(capture, expected: 3)
        capture.stop()
        #expect(payloads.compactMap { SIPText.callID($0.bytes) } == callIDs)
        #expect(payloads.allSatisfy { $0.destination.description == "127.0.0.1:\(sender.port)" && $0.transport == .udp })
        #expect(decoder.counters[.notSIP] <= 1)
        let statistics = capture.statistics
        #expect(statistics.captured >= 4)
        #expect(statistics.received >= statistics.captured)
        #expect(statistics.droppedByQueue == 0)
        #expect(capture.lastError == nil)
    }

    @Test("capture on any gives Linux cooked v2 frames that decode", .enabled(if: canCapture, "needs CAP_NET_RAW to capture"))
    func anyInterface() async throws {
        let sender = LoopbackSender()
        let capture = try LiveCapture(
            configuration: .init(interface: "any", sipPorts: [sender.port], hepPorts: [], immediateMode: true))
        #expect(capture.linkType == .linuxSLL2)
        #expect(!capture.filter.contains("vlan"), "libpcap rejects vlan on cooked captures; the default leaves it out")
        try capture.start()
        let callID = "any-\(sender.port)@example.test"
        sender.send(SIPMessages.request(callID: callID))
        let (payloads, _) = await Self.collect(capture, expected: 1)
        capture.stop()
        #expect(payloads.first.flatMap { SIPText.callID($0.bytes) } == callID)
    }

    @Test("the default filter's shape: fragments always, VLAN alternatives on Ethernet only")
    func defaultFilterShapes() {
        let ethernet = CaptureFilter.defaultFilter(linkType: .ethernet, sipPorts: [5060, 5080], hepPorts: [9060])
        #expect(ethernet.hasPrefix("(port 5060 or port 5080 or udp port 9060 or (ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] == 44))"))
        #expect(ethernet.contains("or (vlan and ("))
        let cooked = CaptureFilter.defaultFilter(linkType: .linuxSLL2, sipPorts: [5060], hepPorts: [])
        #expect(!cooked.contains("vlan"))
    }

    @Test("a bad filter and a missing interface fail at open", .enabled(if: canCapture, "needs CAP_NET_RAW to capture"))
    func openErrors() {
        #expect(throws: CaptureError.self) { try LiveCapture(configuration: .init(interface: "lo", filter: "port banana")) }
        #expect(throws: CaptureError.self) { try LiveCapture(configuration: .init(interface: "no-such-if0")) }
    }
}
