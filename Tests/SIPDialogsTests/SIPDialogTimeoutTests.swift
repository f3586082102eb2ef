import CallModel
import SIPDialogs
import SIPParsing
import Testing

@Suite("SIP dialog timeouts and memory bound")
struct SIPDialogTimeoutTests {
    let script = CallScript()

    @Test func anInviteWithNoAnswerAtAllFailsAfterTimerB() throws {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.tick(31)
        #expect(run.phases == [.started])
        run.tick(33)
        #expect(run.phases == [.started, .failed])
        let last = try #require(run.events.last)
        #expect(last.cause == .timeout)
        #expect(last.event.disposition == .unknown)
        #expect(last.event.time == CallScript.time(33))
        #expect(last.event.duration == nil)
        #expect(last.event.talkTime == .seconds(0))
        #expect(run.tracker.counters.dialogsTimedOut == 1)
    }

    @Test func aRingingCallWhoseFinalResponseIsLostFailsAfterTheRingingTimeout() {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(180), CallScript.at(1, CallScript.proxy, CallScript.caller))
        run.tick(200)
        #expect(run.phases == [.started, .ringing])
        run.tick(302)
        #expect(run.phases == [.started, .ringing, .failed])
        #expect(run.events.last?.event.disposition == .unknown)
    }

    @Test func aCancelWhose487IsLostEndsAsCancelled() {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.request("CANCEL"), CallScript.at(2))
        run.tick(40)
        #expect(run.phases == [.started, .cancelled])
        #expect(run.events.last?.event.disposition == .cancelled)
        #expect(run.events.last?.cause == .timeout)
    }

    @Test func aChallengeNobodyAnswersFailsWithItsStatus() {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(407), CallScript.at(0.1, CallScript.proxy, CallScript.caller))
        run.tick(20)
        #expect(run.phases == [.started])
        run.tick(33)
        #expect(run.phases == [.started, .failed])
        #expect(run.events.last?.finalStatus == 407)
        #expect(run.events.last?.event.disposition == .unknown)
    }

    @Test func anAnsweredCallWhoseByeIsLostEndsAfterTheAnsweredTimeout() {
        let configuration = SIPDialogTrackerConfiguration(plan: .unitedKingdom, answeredTimeout: .hours(1))
        var run = TrackerRun(configuration)
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(200), CallScript.at(2, CallScript.proxy, CallScript.caller))
        run.feed(script.request("UPDATE", cseq: 2, toTag: script.toTag), CallScript.at(1_800))
        run.tick(3_500)
        #expect(run.phases == [.started, .answered])
        run.tick(5_402)
        #expect(run.phases == [.started, .answered, .ended])
        #expect(run.events.last?.event.disposition == .unknown)
        #expect(run.events.last?.event.talkTime == nil)
    }

    @Test func aFinishedDialogLingersForLateCopiesThenIsForgotten() {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(486), CallScript.at(1, CallScript.proxy, CallScript.caller))
        run.feed(script.response(486), CallScript.at(1.5, CallScript.proxy, CallScript.caller))
        run.feed(script.invite(), CallScript.at(2))
        #expect(run.phases == [.started, .failed])
        #expect(run.tracker.counters.retransmissions == 2)
        #expect(run.tracker.dialogCount == 1)
        run.tick(40)
        #expect(run.tracker.dialogCount == 0)
        #expect(run.tracker.counters.dialogsTimedOut == 0)
    }

    @Test func timeoutsAreReportedInTheOrderCallsStarted() {
        var run = TrackerRun()
        for number in 0..<20 {
            var call = script
            call.callID = "order-\(number)"
            run.feed(call.invite(), CallScript.at(Double(number) * 0.01))
        }
        run.tick(60)
        let failed = run.events.filter { $0.event.phase == .failed }
        #expect(failed.map(\.event.callID) == (0..<20).map { "order-\($0)" })
    }

    @Test func tickRunsOnCaptureTimeAndSweepsAtMostOncePerInterval() {
        let configuration = SIPDialogTrackerConfiguration(plan: .unitedKingdom, sweepInterval: .seconds(10))
        var run = TrackerRun(configuration)
        run.feed(script.invite(), CallScript.at(0))
        run.tick(5)  // nothing due: no sweep
        var late = script
        late.callID = "late"
        run.feed(late.invite(), CallScript.at(25))
        run.tick(33)  // the first call is due: sweep
        #expect(run.phases == [.started, .started, .failed])
        run.tick(58)  // the second is due, but within 10 s of the last sweep? no: 58 ≥ 43
        #expect(run.phases == [.started, .started, .failed, .failed])
    }

    @Test func aDeadlineThatMovedAndAForgottenDialogsSlotCloseNothingEarly() {
        let configuration = SIPDialogTrackerConfiguration(plan: .unitedKingdom, answeredTimeout: .seconds(100))
        var run = TrackerRun(configuration)
        var busy = script
        busy.callID = "busy"
        run.feed(busy.invite(), CallScript.at(0))
        run.feed(busy.response(486), CallScript.at(1, CallScript.proxy, CallScript.caller))
        var talking = script
        talking.callID = "talking"
        run.feed(talking.invite(), CallScript.at(2))
        run.feed(talking.response(200), CallScript.at(3, CallScript.proxy, CallScript.caller))
        run.feed(talking.request("UPDATE", cseq: 2, toTag: talking.toTag), CallScript.at(90))
        run.tick(34)  // "busy" is forgotten; its place is free
        #expect(run.tracker.dialogCount == 1)
        var next = script
        next.callID = "next"
        run.feed(next.invite(), CallScript.at(35))
        run.tick(104)  // "talking" was due at 103 before its UPDATE, now at 190; "next" at 67
        #expect(run.events.filter { $0.cause == .timeout }.map(\.event.callID) == ["next"])
        run.tick(191)
        #expect(run.events.filter { $0.cause == .timeout }.map(\.event.callID) == ["next", "talking"])
        #expect(run.tracker.counters.dialogsTimedOut == 2)
    }

    @Test func expireAllClosesEveryOpenDialogAtTheEndOfACapture() {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        var answered = script
        answered.callID = "answered"
        run.feed(answered.invite(), CallScript.at(1))
        run.feed(answered.response(200), CallScript.at(2, CallScript.proxy, CallScript.caller))
        run.tracker.expireAll(at: CallScript.time(3), into: &run.events)
        #expect(run.phases == [.started, .started, .answered, .failed, .ended])
        #expect(run.tracker.dialogCount == 0)
    }

    @Test func theMemoryBoundEvictsTheOldestCallFirst() throws {
        let configuration = SIPDialogTrackerConfiguration(plan: .unitedKingdom, maximumDialogs: 3)
        var run = TrackerRun(configuration)
        for number in 0..<5 {
            var call = script
            call.callID = "bound-\(number)"
            run.feed(call.invite(), CallScript.at(Double(number)))
            if number == 0 { run.feed(call.response(200), CallScript.at(0.5, CallScript.proxy, CallScript.caller)) }
        }
        #expect(run.tracker.dialogCount == 3)
        #expect(run.tracker.counters.dialogsEvicted == 2)
        let evicted = run.events.filter { $0.cause == .evicted }
        #expect(evicted.map(\.event.callID) == ["bound-0", "bound-1"])
        #expect(evicted.map(\.event.phase) == [.ended, .failed])
        #expect(evicted.allSatisfy { $0.event.disposition == .unknown })
        // The evicted call's late BYE is outside any known call now.
        var first = script
        first.callID = "bound-0"
        run.feed(first.request("BYE", cseq: 2, toTag: first.toTag), CallScript.at(6))
        #expect(run.tracker.counters.outsideCalls == 1)
    }

    @Test func theBoundHoldsUnderAFloodOfNewCalls() {
        let configuration = SIPDialogTrackerConfiguration(plan: .unitedKingdom, maximumDialogs: 100)
        var run = TrackerRun(configuration)
        for number in 0..<5_000 {
            var call = script
            call.callID = "flood-\(number)"
            call.fromTag = "t\(number % 7)"
            run.tracker.process(bytes: call.invite(), transport: CallScript.at(Double(number) * 0.001), into: &run.events)
            #expect(run.tracker.dialogCount <= 100)
        }
        #expect(run.tracker.counters.dialogsEvicted == 4_900)
        #expect(run.tracker.counters.dialogsStarted == 5_000)
        run.events.removeAll()
        run.tracker.tick(now: CallScript.time(100), into: &run.events)
        #expect(run.events.count == 100)
        #expect(run.events.map(\.event.callID) == (4_900..<5_000).map { "flood-\($0)" })
    }
}
