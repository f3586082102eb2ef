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

/// One call however many witnesses: the decision question, the SIP dialog and the CDR of one call
/// id count as one call.
struct WitnessCountingTests {
    func makeProcessor() -> CallEventProcessor {
        var configuration = DetectionConfiguration()
        configuration.escalation.ladder = [.alert, .block]
        return CallEventProcessor(
            detector: HarassmentDetector(configuration: configuration), policy: ResponsePolicy(crisisLine: "+442079460999"))
    }

    /// The witnesses of call `index`: a decision question, the SIP dialog's phases, the CDR.
    func witnesses(ofCall index: Int) -> [CallEvent] {
        let cdr = Fixtures.event("07700900123", at: Int64(index), id: "call-\(index)@carrier.example")
        var question = cdr
        question.source = .decisionRequest
        question.phase = .started
        question.time = cdr.callStart!
        question.disposition = nil
        question.decision = CallDecision.defaultAllow
        var sipStarted = question
        sipStarted.source = .sip
        sipStarted.decision = nil
        var sipEnded = cdr
        sipEnded.source = .sip
        return [question, sipStarted, sipEnded, cdr]
    }

    @Test func eachThresholdFiresAtItsThresholdHoweverManyWitnesses() {
        var processor = makeProcessor()
        var counts: [Int: [Int]] = [:]
        for index in 0..<10 {
            var batch = IngestBatch()
            for event in witnesses(ofCall: index) { processor.process(event, into: &batch) }
            #expect(batch.events.count == 4)
            counts[index + 1] = batch.detections.map(\.calls)
            if index + 1 == 10 { #expect(batch.detections.first?.action == .block) }
        }
        // The repeat-caller threshold is 5: the episode opens at the fifth call, not the third
        // (which is when 4 witnesses per call would have crossed it), and steps up to a block at
        // the tenth (twice the threshold), not the fifth.
        #expect(counts[4] == [])
        #expect(counts[5] == [5])
        #expect(counts[9] == [9])
        #expect(counts[10] == [10])
    }

    @Test func aWitnessAfterARestartMergesWithTheStoredCall() {
        // The store held the question of call 0..3 and the warm-up replays them (after a kill -9).
        let stored = (0..<4).map { witnesses(ofCall: $0)[0] }
        var processor = makeProcessor()
        processor.warmUp(with: stored)
        var batch = IngestBatch()
        // Their CDRs arrive after the restart: not counted again.
        for index in 0..<4 { processor.process(witnesses(ofCall: index)[3], into: &batch) }
        #expect(batch.detections.isEmpty)
        for event in witnesses(ofCall: 4) { processor.process(event, into: &batch) }
        #expect(batch.detections.map(\.calls) == [5])
    }
}
