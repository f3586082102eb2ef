import Glibc
import CallModel
import PacketCapture
import PacketDecoding
import PacketTestSupport
import Testing

/// Reading files through libpcap: link types as the files declare them, filters, errors, and files
/// written by ``PcapFileWriter`` for link types the public captures lack.
@Suite("pcap file reader")
struct PcapFileReaderTests {
    @Test("pcap and pcapng files report their link types", .enabled(if: PublicCaptures.enabled, PublicCaptures.skipReason))
    func linkTypes() throws {
        #expect(try PcapFileReader(path: PublicCaptures.path("zeek__wireshark.pcap")).linkType == .ethernet)
        #expect(try PcapFileReader(path: PublicCaptures.path("sngrep__ipv6frag.pcap")).linkType == .linuxSLL)
        #expect(try PcapFileReader(path: PublicCaptures.path("heplify__erspan_sip_ipv4_udp.pcapng")).linkType == .ethernet)
        #expect(try PcapFileReader(path: PublicCaptures.path("hepwireshark__hep3_compressed.pcapng")).linkType == .linuxSLL)
    }

    @Test("frames come with their capture times; nextFrame walks the file", .enabled(if: PublicCaptures.enabled, PublicCaptures.skipReason))
    func frames() throws {
        let reader = try PcapFileReader(path: PublicCaptures.path("zeek__wireshark.pcap"))
        let first = try reader.nextFrame()
        #expect(first?.timestamp == Timestamp(microsecondsSinceEpoch: 1_120_469_572_844_249))
        var count = 1
        while try reader.nextFrame() != nil { count += 1 }
        #expect(count == 81)
    }

    @Test("a BPF filter applies to offline reading", .enabled(if: PublicCaptures.enabled, PublicCaptures.skipReason))
    func offlineFilter() throws {
        var decoder = CaptureFileDecoder()
        let payloads = try decoder.decode(path: PublicCaptures.path("zeek__wireshark.pcap"), filter: "src host 192.168.1.2")
        #expect(!payloads.isEmpty)
        #expect(payloads.allSatisfy { $0.source.address.description == "192.168.1.2" })
    }

    @Test("missing and non-capture files are clear errors")
    func errors() {
        #expect(throws: CaptureError.self) { try PcapFileReader(path: "/nonexistent/file.pcap") }
        #expect(throws: CaptureError.self) { try PcapFileReader(path: PublicCaptures.path("README.md")) }
        #expect(throws: CaptureError.self) { try PcapFileReader(path: PublicCaptures.path("zeek__wireshark.pcap"), filter: "port banana") }
    }

    @Test("SLL2, raw IP and BSD loopback files written here read back through libpcap", arguments: [
        (LinkType.linuxSLL2, FrameBuilder.sll2(FrameBuilder.ipv4(FrameBuilder.udp(1, 5060, SIPMessages.request(callID: "w1@x"))))),
        (LinkType.raw, FrameBuilder.ipv4(FrameBuilder.udp(1, 5060, SIPMessages.request(callID: "w1@x")))),
        (LinkType.null, FrameBuilder.null(family: 2, bigEndian: false, FrameBuilder.ipv4(FrameBuilder.udp(1, 5060, SIPMessages.request(callID: "w1@x"))))),
        (LinkType.loop, FrameBuilder.null(family: 2, bigEndian: true, FrameBuilder.ipv4(FrameBuilder.udp(1, 5060, SIPMessages.request(callID: "w1@x"))))),
    ])
    func writtenFiles(linkType: LinkType, frame: [UInt8]) throws {
        let path = "/tmp/callwarden-wire-test-\(linkType.rawValue)-\(getpid()).pcap"
        defer { unlink(path) }
        let writer = try PcapFileWriter(path: path, linkType: linkType)
        try writer.write(frame, timestamp: Timestamp(secondsSinceEpoch: 1_700_000_000))
        try writer.close()
        var decoder = CaptureFileDecoder()
        let payloads = try decoder.decode(path: path)
        #expect(payloads.compactMap { SIPText.callID($0.bytes) } == ["w1@x"])
    }
}
