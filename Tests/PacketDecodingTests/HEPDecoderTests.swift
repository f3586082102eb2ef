import CallModel
import PacketDecoding
import PacketTestSupport
import Testing

/// HEPv3 chunks with every length checked, HEPv2, and HEP found inside captured UDP.
@Suite("HEP decoding")
struct HEPDecoderTests {
    static let message = SIPMessages.request(callID: "hep-1@example.test")

    static func decode(_ bytes: [UInt8]) -> Result<HEPPacket, HEPDecodingError> {
        Result { () throws(HEPDecodingError) -> HEPPacket in try HEPDecoder.decode(bytes) }
    }

    static func reason(_ bytes: [UInt8]) -> PacketDropReason? {
        if case .failure(let error) = decode(bytes) { return error.reason }
        return nil
    }

    @Test("the worked example from protocols.md §5.1 (Kamailio siptrace)")
    func kamailioExample() throws {
        let payload = Array("INVITE sip:bob@127.0.0.1:25070 SIP/2.0\r\nl: 0\r\n\r\n".utf8)
        let bytes = HEPBuilder.version3([
            HEPBuilder.chunk(type: 1, [2]), HEPBuilder.chunk(type: 2, [17]),
            HEPBuilder.chunk(type: 3, [127, 0, 0, 1]), HEPBuilder.chunk(type: 4, [127, 0, 0, 1]),
            HEPBuilder.chunk(type: 7, [0x62, 0x02]), HEPBuilder.chunk(type: 8, [0x61, 0xee]),
            HEPBuilder.chunk(type: 9, [0x6b, 0x03, 0x6b, 0xdf]), HEPBuilder.chunk(type: 10, [0x00, 0x08, 0xa6, 0x92]),
            HEPBuilder.chunk(type: 11, [1]), HEPBuilder.chunk(type: 12, [0, 0, 0x07, 0xd1]),
            HEPBuilder.chunk(type: 15, payload),
        ])
        let packet = try Self.decode(bytes).get()
        #expect(packet.version == 3)
        #expect(packet.sourcePort == 25090)
        #expect(packet.destinationPort == 25070)
        #expect(packet.captureID == 2001)
        #expect(packet.timestampMicroseconds == 566_930)
        let sip = try bytes.withUnsafeBytes { buffer throws(HEPDecodingError) in
            try packet.sipPayload(from: buffer, fallbackTimestamp: Timestamp(secondsSinceEpoch: 0))
        }
        #expect(sip.bytes == payload)
        #expect(sip.source.description == "127.0.0.1:25090")
        #expect(sip.timestamp == Timestamp(microsecondsSinceEpoch: 0x6b03_6bdf * 1_000_000 + 566_930))
        #expect(sip.origin == .hep(HEPOrigin(version: 3, captureID: 2001)))
    }

    @Test("IPv6, correlation id and auth key")
    func ipv6AndStrings() throws {
        let bytes = HEPBuilder.sipVersion3(
            source: "2001:db8::1", destination: "2001:db8::2", authKey: "s3cret", correlationID: "hep-1@example.test",
            payload: Self.message)
        let packet = try Self.decode(bytes).get()
        bytes.withUnsafeBytes { buffer in
            #expect(packet.authKeyMatches(Array("s3cret".utf8), in: buffer))
            #expect(!packet.authKeyMatches(Array("s3cre".utf8), in: buffer))
            let sip = try? packet.sipPayload(from: buffer, fallbackTimestamp: Timestamp(secondsSinceEpoch: 0))
            #expect(sip?.destination.description == "[2001:db8::2]:5060")
            if case .hep(let origin) = sip?.origin { #expect(origin.correlationID == "hep-1@example.test") }
        }
    }

    @Test("chunk bounds: truncated, zero length, too short, huge length, total length mismatch")
    func chunkBounds() {
        let good = HEPBuilder.sipChunks(payload: Self.message)
        // A chunk header cut short by the end of the packet.
        #expect(Self.reason(HEPBuilder.version3(good + [[0, 0, 0]])) == .hepChunkTruncated)
        // Zero length (would loop forever if trusted) and 5 (shorter than its own header).
        #expect(Self.reason(HEPBuilder.version3([HEPBuilder.chunk(type: 15, [1, 2], length: 0)] + good)) == .hepChunkLengthInvalid)
        #expect(Self.reason(HEPBuilder.version3([HEPBuilder.chunk(type: 15, [1, 2], length: 5)] + good)) == .hepChunkLengthInvalid)
        // A length past the end of the packet.
        #expect(Self.reason(HEPBuilder.version3(good + [HEPBuilder.chunk(type: 15, [1, 2], length: 60_000)])) == .hepChunkTruncated)
        // A total length that is not the datagram's.
        #expect(Self.reason(HEPBuilder.version3(good, totalLength: 9_000)) == .hepLengthMismatch)
        #expect(Self.reason(HEPBuilder.version3(good, totalLength: 10)) == .hepLengthMismatch)
        // Fixed-size chunks of the wrong size.
        #expect(Self.reason(HEPBuilder.version3([HEPBuilder.chunk(type: 3, [1, 2, 3])])) == .hepChunkValueInvalid)
        #expect(Self.reason(HEPBuilder.version3([HEPBuilder.chunk(type: 7, [])])) == .hepChunkValueInvalid)
        #expect(Self.reason(HEPBuilder.version3([HEPBuilder.chunk(type: 10, HEPBuilder.u32(1_000_000))])) == .hepChunkValueInvalid)
        #expect(Self.reason(Array("HEP".utf8)) == .hepTruncated)
        #expect(Self.reason(Array("HEP3\u{0}".utf8)) == .hepTruncated)
        #expect(Self.reason([9, 9, 9, 9]) == .hepVersionUnsupported)
    }

    @Test("every cut of a good packet is rejected, never trapped")
    func everyCut() {
        let good = HEPBuilder.sipVersion3(authKey: "k", correlationID: "c", payload: Self.message)
        for length in 0..<good.count {
            #expect(Self.reason(Array(good[0..<length])) != nil, "cut at \(length)")
        }
    }

    @Test("other vendors' chunks and unknown types are skipped")
    func unknownChunksSkipped() throws {
        let chunks = [HEPBuilder.chunk(vendor: 0x0b, type: 3, [1]), HEPBuilder.chunk(type: 0x99, [1, 2, 3])]
            + HEPBuilder.sipChunks(payload: Self.message)
        let packet = try Self.decode(HEPBuilder.version3(chunks)).get()
        #expect(packet.sourceAddress == .v4(0xc000_020a))
    }

    @Test("a packet without addresses or payload cannot give a SIP payload")
    func missingChunks() throws {
        let bytes = HEPBuilder.version3([HEPBuilder.chunk(type: 15, Self.message)])
        let packet = try Self.decode(bytes).get()
        bytes.withUnsafeBytes { buffer in
            let error = #expect(throws: HEPDecodingError.self) {
                try packet.sipPayload(from: buffer, fallbackTimestamp: Timestamp(secondsSinceEpoch: 0))
            }
            #expect(error?.reason == .hepMissingChunk)
        }
    }

    @Test("HEPv2 with the time header in either byte order")
    func version2() throws {
        for little in [true, false] {
            let bytes = HEPBuilder.version2(microseconds: 123_456, captureID: 42, littleEndianTime: little, payload: Self.message)
            let packet = try Self.decode(bytes).get()
            #expect(packet.version == 2)
            #expect(packet.timestampSeconds == 1_700_000_000, "little-endian: \(little)")
            #expect(packet.timestampMicroseconds == 123_456)
            #expect(packet.captureID == 42)
            #expect(packet.payload.map { Array(bytes[$0]) } == Self.message)
        }
        #expect(Self.reason(Array(HEPBuilder.version2(payload: [])[0..<20])) == .hepTruncated)
    }

    @Test("HEP inside captured UDP is decoded; v2 only on HEP ports; non-SIP HEP is counted")
    func hepInsideCaptures() {
        var harness = DecoderHarness()
        func frame(_ port: UInt16, _ hep: [UInt8]) -> [UInt8] {
            FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(33000, port, hep)))
        }
        let v3 = HEPBuilder.sipVersion3(payload: Self.message)
        let v2 = HEPBuilder.version2(payload: Self.message)
        let log = HEPBuilder.version3(HEPBuilder.sipChunks(protocolType: 100, payload: Array("log line".utf8)))
        let payloads = harness.feed([frame(9999, v3), frame(9060, v2), frame(9999, v2), frame(9060, log)])
        #expect(payloads.count == 2)
        #expect(payloads.allSatisfy { $0.bytes == Self.message })
        #expect(payloads.first?.timestamp == Timestamp(microsecondsSinceEpoch: 1_700_000_000_250_000))
        if case .hep(let origin) = payloads.first?.origin { #expect(origin.frameNumber == 1) }
        #expect(harness.counters[.notSIP] == 1, "HEPv2 off the HEP ports")
        #expect(harness.counters[.hepNotSIP] == 1)
    }

    @Test("a compressed payload that does not inflate is counted")
    func badCompressedPayload() {
        var chunks = HEPBuilder.sipChunks(payload: [])
        chunks[chunks.count - 1] = HEPBuilder.chunk(type: 16, [0x78, 0x9c, 0xff, 0xff, 0xff])
        var harness = DecoderHarness()
        _ = harness.feed(FrameBuilder.ethernet(FrameBuilder.ipv4(FrameBuilder.udp(1, 9060, HEPBuilder.version3(chunks)))))
        #expect(harness.counters[.hepCompressedPayloadInvalid] == 1)
    }
}
