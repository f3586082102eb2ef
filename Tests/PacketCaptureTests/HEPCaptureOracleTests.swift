import CallModel
import PacketCapture
import PacketDecoding
import SIPDialogs
import Testing

/// The public HEP captures (HEPv3 over UDP, plain and with zlib-compressed payloads) against their
/// `*.hep.tsv` oracle: each HEP packet's capture id, time, addresses, IP protocol, and its SIP
/// payload's first line and Call-ID. HEP packets that carry logs or RTCP reports (types 100, 5) are
/// decoded too but yield no SIP payload: they are counted as `hepNotSIP`.
@Suite("HEP captures against their oracle", .enabled(if: PublicCaptures.enabled, PublicCaptures.skipReason))
struct HEPCaptureOracleTests {
    @Test("HEP packets match the oracle", arguments: [
        ("hepwireshark__hep.pcap", "hepwireshark__hep.hep.tsv"),
        ("hepwireshark__hep3_compressed.pcapng", "hepwireshark__hep3_compressed.hep.tsv"),
    ])
    func hepPacketsMatch(file: String, oracle: String) throws {
        let rows = try PublicCaptures.hepRows(oracle)
        let expected = rows.filter { $0.firstLine.hasPrefix("SIP/2.0 ") || $0.firstLine.hasSuffix(" SIP/2.0") }
        var decoder = CaptureFileDecoder()
        let payloads = try decoder.decode(path: PublicCaptures.path(file))
        let counters = decoder.decoder.counters
        #expect(payloads.count == expected.count, "\(file): drops \(counters.nonZeroDrops)")
        #expect(counters.hepPackets == UInt64(rows.count))
        #expect(counters[.hepNotSIP] == UInt64(rows.count - expected.count))
        for (payload, row) in zip(payloads, expected) {
            guard case .hep(let origin) = payload.origin else {
                Issue.record("\(file) frame \(row.frame): not from HEP")
                continue
            }
            #expect(origin.version == 3)
            #expect(origin.frameNumber == row.frame)
            #expect(origin.captureID == row.captureID)
            #expect(Self.seconds(payload.timestamp) == row.hepTime)
            #expect(payload.transport == SIPTransport(ipProtocol: row.ipProtocol))
            #expect(payload.source.description == row.source)
            #expect(payload.destination.description == row.destination)
            #expect(SIPText.firstLine(payload.bytes) == row.firstLine)
            #expect(SIPText.callID(payload.bytes) == row.callID)
        }
        #expect(counters.malformedOrOverBound == 0, "\(file): \(counters.nonZeroDrops)")
    }

    @Test("the INVITE of hepwireshark__hep.pcap, its SDP cut short of Content-Length, becomes a call with the caller from its headers")
    func truncatedHEPInviteBecomesCall() throws {
        let rows = try PublicCaptures.hepRows("hepwireshark__hep.hep.tsv")
        let invite = try #require(rows.first { $0.firstLine.hasPrefix("INVITE ") })
        let reader = try PcapFileReader(path: PublicCaptures.path("hepwireshark__hep.pcap"))
        var pipeline = SIPIngestPipeline(configuration: SIPIngestConfiguration(plan: .unitedKingdom))
        var events: [CallEvent] = []
        let linkType = reader.linkType
        try reader.forEachFrame { bytes, timestamp, _ in
            pipeline.ingest(frame: bytes, linkType: linkType, timestamp: timestamp, into: &events)
            return true
        }
        pipeline.finish(into: &events)
        let call = events.filter { $0.callID == invite.callID }
        #expect(call.first?.phase == .started, "\(events)")
        #expect(call.first?.caller.raw.contains("nodejs") == true, "From: <sip:nodejs@127.0.0.1>")
        #expect(call.last?.phase.isTerminal == true, "the 407 ends the attempt")
        #expect(pipeline.counters.truncatedBodies == 2, "the INVITE (Content-Length: 287) and one more message are cut short")
    }

    /// `1481455196.000100`, as the oracle writes HEP times.
    static func seconds(_ timestamp: Timestamp) -> String {
        let micro = timestamp.microsecondsSinceEpoch % 1_000_000
        let digits = String(micro)
        return "\(timestamp.secondsSinceEpoch)." + String(repeating: "0", count: 6 - digits.count) + digits
    }
}
