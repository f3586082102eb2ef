import CallModel
import CallPipeline
import CallwardenPorts
import HarassmentDetection
import Testing

struct CallEventProcessorTests {
    func makeProcessor(ladder: [ResponseAction] = [.alert, .block]) -> CallEventProcessor {
        var configuration = DetectionConfiguration()
        configuration.escalation.ladder = ladder
        return CallEventProcessor(
            detector: HarassmentDetector(configuration: configuration), policy: ResponsePolicy(crisisLine: "+442079460999"))
    }

    @Test func aBurstBecomesOneEpisodeCarriedOncePerBatch() {
        var processor = makeProcessor()
        var batch = IngestBatch()
        for minute in stride(from: 0, to: 28, by: 4) {  // 7 calls in 28 minutes
            processor.process(Fixtures.event("07700900123", at: Int64(minute)), into: &batch)
        }
        #expect(batch.events.count == 7)
        #expect(batch.detections.count == 1)
        #expect(batch.detections.first?.kind == .repeatCaller)
        #expect(batch.detections.first?.calls == 7)
        #expect(batch.detections.first?.action == .alert)
        #expect(batch.rules.isEmpty)
    }

    @Test func aBlockingEpisodeIssuesItsRuleOnce() {
        var processor = makeProcessor(ladder: [.block])
        var batch = IngestBatch()
        for minute in 0..<8 { processor.process(Fixtures.event("07700900123", at: Int64(minute)), into: &batch) }
        #expect(batch.detections.first?.action == .block)
        #expect(batch.rules.count == 1)
        #expect(batch.rules.first?.match == .number(E164Number(e164: "+447700900123")!))
    }

    @Test func theSameCallReportedTwiceCountsOnce() {
        var processor = makeProcessor()
        var batch = IngestBatch()
        for minute in 0..<4 {
            let event = Fixtures.event("07700900123", at: Int64(minute), id: "call-\(minute)")
            processor.process(event, into: &batch)
            processor.process(event, into: &batch)  // e.g. a second CDR row of the same linkedid
        }
        #expect(batch.events.count == 8)
        #expect(batch.detections.isEmpty)
    }

    @Test func warmUpRestoresWindowsWithoutReemitting() {
        let history = (0..<4).map { Fixtures.event("07700900123", at: Int64($0)) }
        var processor = makeProcessor()
        processor.warmUp(with: history)
        var batch = IngestBatch()
        processor.process(Fixtures.event("07700900123", at: 5), into: &batch)
        // The fifth call crosses the threshold only because the first four were restored.
        #expect(batch.detections.first?.calls == 5)
        #expect(batch.events.count == 1)
    }
}
