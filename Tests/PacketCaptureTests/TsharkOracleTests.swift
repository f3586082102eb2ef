import CallModel
import PacketCapture
import PacketDecoding
import Testing

/// Every public capture that carries SIP, read through libpcap and PacketDecoding, against tshark's
/// per-message view of the same file (`*.tshark.tsv`): the same messages, in the same order, each
/// with the same Call-ID, method or status, completing frame, addresses and ports.
@Suite("tshark oracle over the public captures", .enabled(if: PublicCaptures.enabled, PublicCaptures.skipReason))
struct TsharkOracleTests {
    static let captures: [(file: String, oracle: String)] = [
        ("zeek__wireshark.pcap", "zeek__wireshark.tshark.tsv"),
        ("heplify__sip_ipv4_tcp.pcap", "heplify__sip_ipv4_tcp.tshark.tsv"),
        ("heplify__sip_ipv4_tcp_fragmented.pcap", "heplify__sip_ipv4_tcp_fragmented.tshark.tsv"),
        ("heplify__sip_ipv6_udp.pcap", "heplify__sip_ipv6_udp.tshark.tsv"),
        ("heplify__erspan_sip_ipv4_udp.pcapng", "heplify__erspan_sip_ipv4_udp.tshark.tsv"),
        ("heplify__sip_sctp.pcap", "heplify__sip_sctp.tshark.tsv"),
        ("heplify__sip_tcp_websocket.pcap", "heplify__sip_tcp_websocket.tshark.tsv"),
        ("sngrep__ipv6frag.pcap", "sngrep__ipv6frag.tshark.tsv"),
    ]

    @Test("messages match tshark", arguments: captures)
    func messagesMatchTshark(file: String, oracle: String) throws {
        let expected = try PublicCaptures.tsharkRows(oracle)
        var decoder = CaptureFileDecoder()
        let payloads = try decoder.decode(path: PublicCaptures.path(file))
        let counters = decoder.decoder.counters
        #expect(
            payloads.count == expected.count,
            "\(file): \(payloads.count) messages, tshark \(expected.count); drops \(counters.nonZeroDrops)")
        for (payload, row) in zip(payloads, expected) {
            let got = describe(payload, portsKnown: !row.sourcePort.isEmpty)
            let want = "#\(row.frame) \(row.method)\(row.status) \(row.callID) \(row.source):\(row.sourcePort)→\(row.destination):\(row.destinationPort)"
            #expect(got == want, "\(file)")
        }
        #expect(counters.malformedOrOverBound == 0, "\(file): \(counters.nonZeroDrops)")
    }

    private func describe(_ payload: SIPPayload, portsKnown: Bool) -> String {
        guard case .frame(let frame) = payload.origin else { return "not from a frame" }
        let kind = SIPText.method(payload.bytes) + SIPText.status(payload.bytes)
        let sourcePort = portsKnown ? "\(payload.source.port)" : ""
        let destinationPort = portsKnown ? "\(payload.destination.port)" : ""
        return "#\(frame) \(kind) \(SIPText.callID(payload.bytes) ?? "-") \(payload.source.address):\(sourcePort)→\(payload.destination.address):\(destinationPort)"
    }
}
