import CallModel
import Glibc
import BoundedQueues
import PacketCapture
import PacketDecoding
import PacketTestSupport
import Testing

/// HEP over TCP on loopback: packets split across writes and packed into one, a stream that is not
/// HEP, and the connection bound.
@Suite("HEP over TCP", .serialized)
struct HEPStreamListenerTests {
    /// A connected TCP socket to 127.0.0.1:`port`.
    static func connect(to port: UInt16) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = LoopbackSender.loopback(port: port)
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return status == 0 ? descriptor : -1
    }

    static func write(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>) {
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    @Test("packets split across writes and packed into one are framed by their length")
    func framing() async throws {
        // The pauses between the pieces are no deadline test: a loaded machine may stretch them.
        let listener = try HEPStreamListener(configuration: .init(host: "127.0.0.1", port: 0, packetTimeout: .seconds(600)))
        try listener.start()
        let messages = (1...3).map { SIPMessages.request(callID: "hep-tcp-\($0)@example.test") }
        let stream = messages.flatMap { HEPBuilder.sipVersion3(payload: $0) }
        let connection = Self.connect(to: listener.port)
        #expect(connection >= 0)
        Self.write(connection, stream[0..<100])
        try await Task.sleep(for: .milliseconds(50))
        Self.write(connection, stream[100..<(stream.count - 10)])
        try await Task.sleep(for: .milliseconds(50))
        Self.write(connection, stream[(stream.count - 10)...])
        var payloads: [SIPPayload] = []
        while payloads.count < 3, let payload = await listener.payloads.pop(waitingUpTo: .seconds(60)) { payloads.append(payload) }
        close(connection)
        listener.stop()
        #expect(payloads.map(\.bytes) == messages)
        #expect(listener.acceptedConnections == 1)
    }

    @Test("a stream that is not HEPv3 closes its connection, counted; others keep working")
    func garbageCloses() async throws {
        let listener = try HEPStreamListener(configuration: .init(host: "127.0.0.1", port: 0))
        try listener.start()
        let bad = Self.connect(to: listener.port)
        Self.write(bad, Array("GET / HTTP/1.1\r\n\r\n".utf8)[...])
        var closedByPeer = false
        var byte: UInt8 = 0
        for _ in 0..<100 where !closedByPeer {
            try await Task.sleep(for: .milliseconds(20))
            closedByPeer = recv(bad, &byte, 1, Int32(MSG_DONTWAIT)) == 0
        }
        #expect(closedByPeer)
        let good = Self.connect(to: listener.port)
        let message = SIPMessages.response(180, callID: "hep-tcp-ok@example.test")
        Self.write(good, HEPBuilder.sipVersion3(payload: message)[...])
        let payload = await listener.payloads.pop(waitingUpTo: .seconds(60))
        close(bad)
        close(good)
        listener.stop()
        #expect(payload?.bytes == message)
        #expect(listener.dropCount(.hepVersionUnsupported) == 1)
    }
}
