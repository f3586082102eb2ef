import CallModel
import CallPipeline
import CallwardenPorts
import Foundation
import PacketCapture
import PacketTestSupport
import SQLiteStore
import Testing

/// `callwarden serve` as a child process with `capture:` (libpcap on `lo`) and `hep:` (UDP and TCP
/// listeners) configured: a call sent on loopback during the test and a call mirrored as HEPv3 both
/// end up in the store through the ingest loop; SIGTERM stops it cleanly.
@Suite(.serialized)
struct ServeSIPTests {
    static let canCapture: Bool = {
        guard let capture = try? LiveCapture(configuration: .init(interface: "lo", filter: "udp port 9")) else { return false }
        capture.stop()
        return true
    }()

    /// The six messages of one answered call from `caller` to extension 1010.
    static func call(_ callID: String, caller: String) -> [[UInt8]] {
        func message(_ startLine: String, _ cseq: String, toTag: Bool) -> [UInt8] {
            var lines = [startLine, "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-\(callID)-\(cseq.split(separator: " ").joined())"]
            lines.append("From: <sip:\(caller)@127.0.0.1>;tag=f-\(callID)")
            lines.append(toTag ? "To: <sip:1010@127.0.0.1>;tag=t-\(callID)" : "To: <sip:1010@127.0.0.1>")
            lines += ["Call-ID: \(callID)", "CSeq: \(cseq)", "Content-Length: 0"]
            return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        }
        return [
            message("INVITE sip:1010@127.0.0.1 SIP/2.0", "1 INVITE", toTag: false), message("SIP/2.0 180 Ringing", "1 INVITE", toTag: true),
            message("SIP/2.0 200 OK", "1 INVITE", toTag: true), message("ACK sip:1010@127.0.0.1 SIP/2.0", "1 ACK", toTag: true),
            message("BYE sip:1010@127.0.0.1 SIP/2.0", "2 BYE", toTag: true), message("SIP/2.0 200 OK", "2 BYE", toTag: true),
        ]
    }

    /// A UDP socket on 127.0.0.1 with a free port (kept open so captured datagrams are accepted).
    static func openUDP() -> (descriptor: Int32, port: UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                _ = bind(descriptor, pointer, length)
                return getsockname(descriptor, pointer, &length)
            }
        }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    static func send(_ bytes: [UInt8], from descriptor: Int32, to port: UInt16) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        _ = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(descriptor, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    @Test("serve: captured SIP and HEP reach the store; SIGTERM exits cleanly", .enabled(if: canCapture, "needs CAP_NET_RAW to capture"))
    func serveCapturesAndListens() async throws {
        let directory = try TestSupport.temporaryDirectory("serve-sip")
        let sink = Self.openUDP()
        defer { close(sink.descriptor) }
        try TestSupport.writeSecret("s3cret", named: "hep.key", in: directory)
        let config = directory + "/callwarden.yaml"
        try """
            store:
              path: \(directory)/callwarden.sqlite
            numbering:
              country: GB
              time_zone: UTC
            decision:
              http: off
            capture:
              interface: lo
              filter: "udp port \(sink.port)"
            hep:
              address: 127.0.0.1
              port: 0
              transport: both
              auth_key_file: hep.key
            logging:
              level: warning
            """.write(toFile: config, atomically: true, encoding: .utf8)

        // The HEP listener on port 0: the daemon reports the port it bound with READY=1.
        let notify = try NotifySocket(directory: directory)
        let daemon = try TestSupport.launch(["serve", "--config", config], environment: notify.environment)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let listeners = try #require(await notify.readyListeners(upTo: 60))
        let hepPort = UInt16(try #require(NotifySocket.port(listeners, "hep.udp"), "\(listeners)"))

        let sender = Self.openUDP()
        defer { close(sender.descriptor) }
        let captured = Self.call("serve-capture@127.0.0.1", caller: "07700900123")
        let mirrored = Self.call("serve-hep@127.0.0.1", caller: "07700900555")
        let storePath = directory + "/callwarden.sqlite"
        // The daemon is ready, but a capture thread may still be opening: send the calls again
        // every round (the tracker counts repeats as retransmissions), bounded at 60 s.
        var stored = false
        for _ in 0..<200 where !stored {
            for message in captured { Self.send(message, from: sender.descriptor, to: sink.port) }
            for (index, message) in mirrored.enumerated() {
                let fromCaller = [0, 3, 4].contains(index)
                Self.send(
                    HEPBuilder.sipVersion3(
                        source: fromCaller ? "192.0.2.10" : "192.0.2.20", destination: fromCaller ? "192.0.2.20" : "192.0.2.10",
                        authKey: "s3cret", payload: message),
                    from: sender.descriptor, to: hepPort)
            }
            try? await Task.sleep(for: .milliseconds(300))
            stored = TestSupport.storedEvents(storePath) >= 8
        }
        #expect(stored, "both calls stored")
        kill(daemon.processIdentifier, SIGTERM)
        await TestSupport.exit(of: daemon)
        #expect(daemon.terminationReason == .exit && daemon.terminationStatus == 0)

        let store = try SQLiteStore(path: storePath)
        let events = try store.events(countedSince: Timestamp(secondsSinceEpoch: 0), limit: 100)
        let byCall = Dictionary(grouping: events, by: \.callID)
        #expect(Set(byCall.keys) == ["serve-capture@127.0.0.1", "serve-hep@127.0.0.1"])
        #expect(byCall["serve-capture@127.0.0.1"]?.first?.caller.countedNumber?.description == "+447700900123")
        #expect(byCall["serve-hep@127.0.0.1"]?.first?.caller.countedNumber?.description == "+447700900555")
        #expect(events.allSatisfy { $0.source == .sip })
        #expect(try store.statistics().calls == 2)
    }
}
