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

    /// A classic pcap file in either byte order and either time resolution, with three frames of
    /// different lengths (one empty); `cut` bytes removed from its end.
    static func classicFile(bigEndian: Bool, nanoseconds: Bool, cut: Int = 0) -> [UInt8] {
        func u32(_ value: UInt32) -> [UInt8] {
            let bytes = [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
            return bigEndian ? bytes.reversed() : bytes
        }
        func u16(_ value: UInt16) -> [UInt8] {
            let bytes = [UInt8(value & 0xFF), UInt8(value >> 8)]
            return bigEndian ? bytes.reversed() : bytes
        }
        var file = u32(nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4) + u16(2) + u16(4) + u32(0) + u32(0) + u32(65_535) + u32(1)
        for (index, length) in [60, 0, 1_500].enumerated() {
            let fraction = UInt32(123_456 + index) * (nanoseconds ? 1_000 : 1) + (nanoseconds ? 789 : 0)
            file += u32(1_700_000_000 + UInt32(index)) + u32(fraction) + u32(UInt32(length)) + u32(UInt32(length + 4))
            file += (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) }
        }
        return Array(file.dropLast(cut))
    }

    /// Every frame of `path` as (bytes, microseconds, original length), and the error that ended
    /// the read, if any.
    static func readAll(_ path: String, filter: String?) throws -> ([([UInt8], Int64, Int)], CaptureError?) {
        let reader = try PcapFileReader(path: path, filter: filter)
        var frames: [([UInt8], Int64, Int)] = []
        do {
            try reader.forEachFrame { bytes, timestamp, original in
                frames.append(([UInt8](bytes), timestamp.microsecondsSinceEpoch, original))
                return true
            }
        } catch {
            return (frames, error)
        }
        return (frames, nil)
    }

    @Test(
        "classic pcap files read in blocks give libpcap's frames, times and errors (both byte orders, µs and ns)",
        arguments: [(false, false), (true, false), (false, true), (true, true)])
    func blockReaderMatchesLibpcap(bigEndian: Bool, nanoseconds: Bool) throws {
        let path = "/tmp/callwarden-block-test-\(bigEndian)-\(nanoseconds)-\(getpid()).pcap"
        defer { unlink(path) }
        for cut in [0, 5, 20, 1_510] {
            let bytes = Self.classicFile(bigEndian: bigEndian, nanoseconds: nanoseconds, cut: cut)
            let file = fopen(path, "wb")
            #expect(file != nil)
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
            // No filter: the block reader; an accept-all filter: libpcap's own reading.
            let (blocks, blockError) = try Self.readAll(path, filter: nil)
            let (libpcap, libpcapError) = try Self.readAll(path, filter: "")
            #expect(blocks.map(\.0) == libpcap.map(\.0), "cut \(cut)")
            #expect(blocks.map(\.1) == libpcap.map(\.1), "cut \(cut)")
            #expect(blocks.map(\.2) == libpcap.map(\.2), "cut \(cut)")
            #expect(blockError == libpcapError, "cut \(cut)")
            #expect(blocks.count == (cut == 0 ? 3 : 2), "cut \(cut)")
            #expect(blocks.first?.1 == 1_700_000_000_123_456)
            if cut == 0 {
                // Stopping after each frame and going on from there (nextFrame) gives the same frames.
                let reader = try PcapFileReader(path: path)
                var stepped: [[UInt8]] = []
                while let frame = try reader.nextFrame() { stepped.append(frame.bytes) }
                #expect(stepped == blocks.map(\.0))
            }
        }
    }
}
