import CallModel
import Foundation
import MetricsExposition
import PacketDecoding
import PacketTestSupport
import SIPDialogs
import SIPParsing
import Testing

@Suite("SIP ingest pipeline")
struct SIPIngestPipelineTests {
    static let start = Timestamp(secondsSinceEpoch: 1_768_300_000)

    static func pipeline() -> SIPIngestPipeline {
        SIPIngestPipeline(configuration: SIPIngestConfiguration(plan: .unitedKingdom))
    }

    /// Feeds `frames` one second apart from `start`.
    static func feed(
        _ frames: [(bytes: [UInt8], fromCaller: Bool)], into pipeline: inout SIPIngestPipeline, from start: Timestamp = start
    ) -> [CallEvent] {
        var events: [CallEvent] = []
        for (index, frame) in frames.enumerated() {
            let bytes = CallFrames.frame(frame.bytes, fromCaller: frame.fromCaller)
            bytes.withUnsafeBytes { raw in
                pipeline.ingest(frame: raw, linkType: .ethernet, timestamp: start + .seconds(Int64(index)), into: &events)
            }
        }
        return events
    }

    @Test("an answered call's frames become started, ringing, answered, ended with the caller in E.164")
    func answeredCall() {
        var pipeline = Self.pipeline()
        let events = Self.feed(CallFrames.answeredCall("call-1"), into: &pipeline)
        #expect(events.map(\.phase) == [.started, .ringing, .answered, .ended])
        #expect(events.allSatisfy { $0.callID == "call-1" && $0.source == .sip })
        #expect(events.first?.caller.countedNumber?.description == "+447700900123")
        #expect(events.first?.callee.key == "1010")
        #expect(events.last?.disposition == .answered)
        #expect(events.last?.talkTime == .seconds(2), "200 OK at +2 s, BYE at +4 s")
        let counters = pipeline.counters
        #expect(counters.packets.frames == 6)
        #expect(counters.payloads == 6)
        #expect(counters.dialogs.dialogsStarted == 1)
        #expect(counters.events == 4)
        #expect(counters.malformedTotal == 0)
    }

    @Test("a withheld caller with P-Asserted-Identity is counted by it, presentation restricted")
    func withheldWithAssertedIdentity() {
        var pipeline = Self.pipeline()
        let events = Self.feed(
            CallFrames.answeredCall("call-pai", from: "anonymous", extra: ["P-Asserted-Identity: <sip:+447700900555@192.0.2.10>", "Privacy: id"]),
            into: &pipeline)
        let started = events.first
        #expect(started?.caller.countedNumber?.description == "+447700900555")
        #expect(started?.caller.presentationRestricted == true)
    }

    @Test("malformed SIP is counted by reason and the pipeline goes on")
    func malformedCounted() {
        var pipeline = Self.pipeline()
        let garbage: [(bytes: [UInt8], fromCaller: Bool)] = [
            (Array("INVITE sip:1010@192.0.2.20 SIP/2.0\r\nVia SIP/2.0/UDP nowhere\r\n\r\n".utf8), true),
            (Array("INVITE sip:1010@192.0.2.20 SIP/2.0\r\nCall-ID: x\r\nContent-Length: 900\r\n\r\nshort".utf8), true),
        ]
        var events = Self.feed(garbage, into: &pipeline)
        events += Self.feed(CallFrames.answeredCall("after-garbage"), into: &pipeline, from: Self.start + .seconds(10))
        #expect(events.map(\.phase) == [.started, .ringing, .answered, .ended])
        let counters = pipeline.counters
        #expect(counters[.malformedHeaderLine] == 1)
        // A body shorter than Content-Length is kept (a passive observer), counted, and this one
        // then lacks CSeq and From.
        #expect(counters[.bodyTruncated] == 0)
        #expect(counters.truncatedBodies == 1)
        #expect(counters.malformedTotal == 2)
        #expect(counters.malformedDrops.map(\.name).sorted() == ["sip.dropped.malformed_header_line", "sip.dropped.missing_headers"])
    }

    @Test("an INVITE whose body a snaplen cut is kept, counted, and becomes a call with the caller from its headers")
    func truncatedBodyKept() {
        var pipeline = Self.pipeline()
        var frames = CallFrames.answeredCall("cut-body")
        let invite = String(decoding: frames[0].bytes, as: UTF8.self)
            .replacingOccurrences(of: "Content-Length: 0\r\n\r\n", with: "Content-Type: application/sdp\r\nContent-Length: 300\r\n\r\nv=0\r\no=- 1 1 IN IP4 192.0.2.10\r\n")
        frames[0].bytes = Array(invite.utf8)
        let events = Self.feed(frames, into: &pipeline)
        #expect(events.map(\.phase) == [.started, .ringing, .answered, .ended])
        #expect(events.first?.caller.countedNumber?.description == "+447700900123")
        let counters = pipeline.counters
        #expect(counters.truncatedBodies == 1)
        #expect(counters.malformedTotal == 0)
        var collector = MetricsCollector()
        counters.collectMetrics(into: &collector, source: "sip:capture")
        #expect(collector.compactSeries.contains { $0.series == "sip_truncated_bodies_total{source=sip:capture}" && $0.value == 1 })
    }

    @Test("truncated frames are counted as packet drops, not SIP")
    func truncatedFrames() {
        var pipeline = Self.pipeline()
        var events: [CallEvent] = []
        let frame = CallFrames.frame(CallFrames.answeredCall("cut")[0].bytes, fromCaller: true)
        Array(frame.prefix(30)).withUnsafeBytes { pipeline.ingest(frame: $0, linkType: .ethernet, timestamp: Self.start, into: &events) }
        #expect(events.isEmpty)
        #expect(pipeline.counters.malformedTotal == 1)
        #expect(pipeline.counters.payloads == 0)
    }

    @Test("finish closes an open dialog at the last capture time")
    func finishExpiresOpenDialogs() {
        var pipeline = Self.pipeline()
        var events = Self.feed(Array(CallFrames.answeredCall("open").prefix(3)), into: &pipeline)
        #expect(events.map(\.phase) == [.started, .ringing, .answered])
        pipeline.finish(into: &events)
        #expect(events.count == 4)
        #expect(events.last?.phase == .ended)
        #expect(events.last?.disposition == .unknown)
        #expect(events.last?.time == Self.start + .seconds(2))
        #expect(pipeline.counters.dialogs.dialogsTimedOut == 1)
    }

    @Test("advancing time without traffic times out a ringing call; earlier times change nothing")
    func advanceTimesOut() {
        var pipeline = Self.pipeline()
        var events = Self.feed(Array(CallFrames.answeredCall("silent").prefix(2)), into: &pipeline)
        pipeline.advance(to: Self.start, into: &events)
        pipeline.advance(to: Self.start + .minutes(1), into: &events)
        #expect(events.count == 2, "ringing lasts 5 minutes before it is given up")
        pipeline.advance(to: Self.start + .minutes(6), into: &events)
        #expect(events.count == 3)
        #expect(events.last?.phase == .failed)
        #expect(pipeline.latestCaptureTime == Self.start + .minutes(6))
    }

    @Test("a HEP payload goes through the same parser and tracker")
    func hepPayload() {
        var pipeline = Self.pipeline()
        var events: [CallEvent] = []
        let invite = CallFrames.answeredCall("hep-1")[0].bytes
        let payload = SIPPayload(
            bytes: invite, timestamp: Self.start,
            source: TransportEndpoint(address: .v6(high: 0x2001_0db8_0000_0000, low: 0x10), port: 5060),
            destination: TransportEndpoint(address: .v4(0xC000_0214), port: 5062), transport: .tcp,
            origin: .hep(HEPOrigin(version: 3, captureID: 2001)))
        pipeline.ingest(payload, into: &events)
        #expect(events.map(\.phase) == [.started])
        #expect(pipeline.counters.packets.frames == 0)
        #expect(pipeline.counters.payloads == 1)
    }

    @Test("the transport info keeps addresses, ports, transport and time")
    func transportInfo() {
        let payload = SIPPayload(
            bytes: [], timestamp: Self.start,
            source: TransportEndpoint(address: .v6(high: 0x2001_0db8_0000_0000, low: 0x10), port: 5060),
            destination: TransportEndpoint(address: .v4(0xC000_0214), port: 5062), transport: .webSocket, origin: .frame(number: 1))
        let info = SIPTransportInfo(payload)
        #expect(info.source.description == "[2001:db8::10]:5060")
        #expect(info.destination.description == "192.0.2.20:5062")
        #expect(info.transport == .ws)
        #expect(info.time == Self.start)
    }
}
