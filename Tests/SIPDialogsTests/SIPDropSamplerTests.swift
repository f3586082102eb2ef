import CallModel
import PacketDecoding
import PacketTestSupport
import SIPDialogs
import Testing

@Suite("drop sampler")
struct SIPDropSamplerTests {
    @Test("one report per interval with what was dropped since the last one; nothing when nothing new")
    func reportsDeltasOncePerInterval() {
        var pipeline = SIPIngestPipeline(configuration: SIPIngestConfiguration(plan: .unitedKingdom))
        var events: [CallEvent] = []
        let bad = CallFrames.frame(Array("INVITE sip:x SIP/2.0\r\nbroken line\r\n\r\n".utf8), fromCaller: true)
        func feedBad(_ count: Int) {
            for _ in 0..<count {
                bad.withUnsafeBytes { pipeline.ingest(frame: $0, linkType: .ethernet, timestamp: SIPIngestPipelineTests.start, into: &events) }
            }
        }
        var sampler = SIPDropSampler(interval: .seconds(60))
        let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)
        #expect(sampler.report(pipeline.counters, now: t0) == nil, "nothing dropped yet")
        feedBad(3)
        let first = sampler.report(pipeline.counters, queueDrops: 2, now: t0 + .seconds(1))
        #expect(first?.total == 3)
        #expect(first?.queueDrops == 2)
        #expect(first?.drops.first?.name == "sip.dropped.malformed_header_line")
        feedBad(5)
        #expect(sampler.report(pipeline.counters, queueDrops: 2, now: t0 + .seconds(30)) == nil, "inside the interval")
        let second = sampler.report(pipeline.counters, queueDrops: 2, now: t0 + .seconds(62))
        #expect(second?.total == 5, "only what came since the first report")
        #expect(second?.queueDrops == 0)
        #expect(sampler.report(pipeline.counters, queueDrops: 2, now: t0 + .seconds(200)) == nil)
    }
}
