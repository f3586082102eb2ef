import CallModel
import SIPDialogs
import SIPParsing
import Testing

@Suite("SIP dialog lifecycle")
struct SIPDialogLifecycleTests {
    let script = CallScript()

    @Test func answeredThenByeGivesDurationAndTalkTime() throws {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(100), CallScript.at(0.05, CallScript.proxy, CallScript.caller))
        run.feed(script.response(180), CallScript.at(1, CallScript.proxy, CallScript.caller))
        run.feed(script.response(200), CallScript.at(5, CallScript.proxy, CallScript.caller))
        run.feed(script.request("ACK", toTag: script.toTag), CallScript.at(5.1))
        run.feed(script.request("BYE", cseq: 2, toTag: script.toTag), CallScript.at(65))
        run.feed(script.response(200, "BYE", cseq: 2), CallScript.at(65.1, CallScript.proxy, CallScript.caller))

        #expect(run.phases == [.started, .ringing, .answered, .ended])
        #expect(run.events.map(\.event.time) == [0, 1, 5, 65].map(CallScript.time))
        let ended = try #require(run.events.last)
        #expect(ended.event.disposition == .answered)
        #expect(ended.event.callStart == CallScript.time(0))
        #expect(ended.event.duration == .seconds(65))
        #expect(ended.event.talkTime == .seconds(60))
        #expect(ended.cause == .message)
        #expect(run.events.allSatisfy { $0.event.callID == "call-1@192.0.2.10" && $0.event.source == .sip })
        let started = run.events[0].event
        #expect(started.caller.number?.description == "+442079460123")
        #expect(started.caller.displayName == "Caller")
        #expect(started.callee.key == "1001")
        #expect(run.tracker.counters.dialogsStarted == 1)
        #expect(run.tracker.counters.producedEvent == 4)
        #expect(run.tracker.counters.inDialogWithoutEvent == 3)
        #expect(run.tracker.counters.messages == 7)
    }

    @Test func theCalleeHangingUpIsFoundByItsTag() throws {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(200), CallScript.at(3, CallScript.proxy, CallScript.caller))
        run.feed(script.request("BYE", cseq: 7, fromCallee: true), CallScript.at(33, CallScript.proxy, CallScript.caller))
        run.feed(script.responseToCallee(200, "BYE", cseq: 7), CallScript.at(33.1))
        #expect(run.phases == [.started, .answered, .ended])
        #expect(run.events.last?.event.talkTime == .seconds(30))
        #expect(run.tracker.counters.outsideCalls == 0)
    }

    @Test func cancelThen487IsCancelled() throws {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(180), CallScript.at(1, CallScript.proxy, CallScript.caller))
        run.feed(script.request("CANCEL"), CallScript.at(4))
        run.feed(script.response(200, "CANCEL"), CallScript.at(4.1, CallScript.proxy, CallScript.caller))
        run.feed(script.response(487), CallScript.at(4.2, CallScript.proxy, CallScript.caller))
        run.feed(script.request("ACK", toTag: script.toTag), CallScript.at(4.3))
        #expect(run.phases == [.started, .ringing, .cancelled])
        let last = try #require(run.events.last)
        #expect(last.event.disposition == .cancelled)
        #expect(last.finalStatus == 487)
        #expect(last.event.talkTime == .seconds(0))
        #expect(last.event.duration == TimeSpan(microseconds: 4_200_000))
    }

    @Test(
        "final status decides the disposition",
        arguments: [
            (486, Disposition.busy), (600, .busy), (480, .noAnswer), (408, .noAnswer), (603, .rejected),
            (403, .rejected), (487, .cancelled), (503, .congestion), (404, .failed), (488, .failed), (500, .failed),
            (604, .failed),
        ])
    func finalStatus(status: Int, disposition: Disposition) throws {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(status), CallScript.at(2, CallScript.proxy, CallScript.caller))
        run.feed(script.request("ACK", toTag: script.toTag), CallScript.at(2.1))
        #expect(run.phases == [.started, disposition.terminalPhase])
        #expect(run.events.last?.event.disposition == disposition)
        #expect(run.events.last?.finalStatus == status)
    }

    @Test func retransmissionsAreCountedOnce() throws {
        var run = TrackerRun()
        for second in [0.0, 0.5, 1.5] { run.feed(script.invite(), CallScript.at(second)) }
        for second in [2.0, 2.5] { run.feed(script.response(180), CallScript.at(second, CallScript.proxy, CallScript.caller)) }
        for second in [3.0, 3.5, 4.5] { run.feed(script.response(200), CallScript.at(second, CallScript.proxy, CallScript.caller)) }
        run.feed(script.request("ACK", toTag: script.toTag), CallScript.at(4.6))
        #expect(run.phases == [.started, .ringing, .answered])
        #expect(run.tracker.counters.retransmissions == 5)
        #expect(run.tracker.counters.copiesFromOtherLegs == 0)
        #expect(run.tracker.counters.dialogsStarted == 1)
    }

    /// Kamailio in the middle: every message is captured twice, caller↔proxy and proxy↔callee,
    /// with the same Call-ID and tags and a different Request-URI on the second leg.
    @Test func theSameCallOnTwoLegsOfAProxyIsOneCall() throws {
        var run = TrackerRun()
        let a = CallScript.caller
        let p = CallScript.proxy
        let b = CallScript.callee
        run.feed(script.invite(), CallScript.at(0, a, p))
        run.feed(script.request("INVITE", requestURI: "sip:1001@192.0.2.20:5062"), CallScript.at(0.01, p, b))
        run.feed(script.response(100), CallScript.at(0.02, p, a))
        run.feed(script.response(180), CallScript.at(1, b, p))
        run.feed(script.response(180), CallScript.at(1.01, p, a))
        run.feed(script.response(200), CallScript.at(4, b, p))
        run.feed(script.response(200), CallScript.at(4.01, p, a))
        run.feed(script.request("ACK", toTag: script.toTag), CallScript.at(4.1, a, p))
        run.feed(script.request("ACK", toTag: script.toTag), CallScript.at(4.11, p, b))
        run.feed(script.request("BYE", cseq: 2, toTag: script.toTag), CallScript.at(20, a, p))
        run.feed(script.request("BYE", cseq: 2, toTag: script.toTag), CallScript.at(20.01, p, b))
        run.feed(script.response(200, "BYE", cseq: 2), CallScript.at(20.02, b, p))
        run.feed(script.response(200, "BYE", cseq: 2), CallScript.at(20.03, p, a))
        #expect(run.phases == [.started, .ringing, .answered, .ended])
        #expect(run.events.map(\.event.time) == [0, 1, 4, 20].map(CallScript.time))
        #expect(run.events[0].event.callee.key == "1001")
        #expect(run.tracker.counters.copiesFromOtherLegs == 6)
        #expect(run.tracker.counters.retransmissions == 0)
        #expect(run.tracker.counters.dialogsStarted == 1)
    }

    @Test func forkedBranchesAnswerOnceAndTheLosingBranchIsIgnored() throws {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(180, toTag: "fork-a"), CallScript.at(1, CallScript.callee, CallScript.proxy))
        run.feed(script.response(180, toTag: "fork-b"), CallScript.at(1.2, CallScript.proxy, CallScript.caller))
        run.feed(script.response(200, toTag: "fork-a"), CallScript.at(3, CallScript.proxy, CallScript.caller))
        run.feed(script.response(487, toTag: "fork-b"), CallScript.at(3.1, CallScript.proxy, CallScript.caller))
        #expect(run.phases == [.started, .ringing, .answered])
        #expect(run.tracker.counters.inDialogWithoutEvent == 1)
    }

    @Test func anAuthenticationChallengeIsNotTheEndOfTheCall() throws {
        var run = TrackerRun()
        run.feed(script.invite(cseq: 1), CallScript.at(0))
        run.feed(script.response(407, toTag: "challenge"), CallScript.at(0.1, CallScript.proxy, CallScript.caller))
        run.feed(script.request("ACK", cseq: 1, toTag: "challenge"), CallScript.at(0.2))
        run.feed(script.invite(cseq: 2, extra: ["Proxy-Authorization: Digest username=\"x\""]), CallScript.at(0.3))
        run.feed(script.response(180, cseq: 2), CallScript.at(1, CallScript.proxy, CallScript.caller))
        run.feed(script.response(200, cseq: 2), CallScript.at(2, CallScript.proxy, CallScript.caller))
        #expect(run.phases == [.started, .ringing, .answered])
        #expect(run.tracker.counters.dialogsStarted == 1)
    }

    @Test func aLateResponseToTheChallengedInviteIsStale() throws {
        var run = TrackerRun()
        run.feed(script.invite(cseq: 1), CallScript.at(0))
        run.feed(script.response(401), CallScript.at(0.1, CallScript.proxy, CallScript.caller))
        run.feed(script.invite(cseq: 2), CallScript.at(0.3))
        run.feed(script.response(486, cseq: 1), CallScript.at(0.4, CallScript.proxy, CallScript.caller))
        #expect(run.phases == [.started])
        run.feed(script.response(486, cseq: 2), CallScript.at(0.5, CallScript.proxy, CallScript.caller))
        #expect(run.phases == [.started, .failed])
        #expect(run.events.last?.event.disposition == .busy)
    }

    @Test func aReInviteIsNotANewCall() throws {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(200), CallScript.at(1, CallScript.proxy, CallScript.caller))
        run.feed(script.request("INVITE", cseq: 2, toTag: script.toTag), CallScript.at(30))
        run.feed(script.response(200, cseq: 2), CallScript.at(30.1, CallScript.proxy, CallScript.caller))
        run.feed(script.request("BYE", cseq: 3, toTag: script.toTag), CallScript.at(40))
        #expect(run.phases == [.started, .answered, .ended])
        #expect(run.events.last?.event.talkTime == .seconds(39))
    }

    @Test func aByeBeforeAnyAnswerIsACancel() throws {
        var run = TrackerRun()
        run.feed(script.invite(), CallScript.at(0))
        run.feed(script.response(183), CallScript.at(1, CallScript.proxy, CallScript.caller))
        run.feed(script.request("BYE", cseq: 2, toTag: script.toTag), CallScript.at(3))
        #expect(run.phases == [.started, .ringing, .cancelled])
    }

    @Test func messagesOutsideCallsAreCountedNotTracked() throws {
        var run = TrackerRun()
        run.feed(script.request("REGISTER"), CallScript.at(0))
        run.feed(script.request("OPTIONS"), CallScript.at(1))
        run.feed(script.response(200, "OPTIONS"), CallScript.at(1.1, CallScript.proxy, CallScript.caller))
        run.feed(script.request("BYE", cseq: 9, toTag: "unknown"), CallScript.at(2))
        run.feed(script.request("INVITE", cseq: 9, toTag: "mid-call"), CallScript.at(3))
        run.feed(Array("not sip at all".utf8), CallScript.at(4))
        run.feed(Array("OPTIONS sip:pbx.example SIP/2.0\r\nCall-ID: x\r\n\r\n".utf8), CallScript.at(5))
        #expect(run.events.isEmpty)
        #expect(run.tracker.dialogCount == 0)
        #expect(run.tracker.counters.outsideCalls == 5)
        #expect(run.tracker.counters.malformed == 1)
        #expect(run.tracker.counters.missingHeaders == 1)
        #expect(run.tracker.counters.messages == 7)
    }

    @Test func aWithheldCallerIsCountedByTheAssertedIdentity() throws {
        var run = TrackerRun()
        var withheld = script
        withheld.from = "\"Anonymous\" <sip:anonymous@anonymous.invalid>"
        run.feed(withheld.invite(extra: ["P-Asserted-Identity: <tel:+447700900123>", "Privacy: id"]), CallScript.at(0))
        let caller = try #require(run.events.first?.event.caller)
        #expect(caller.presentationRestricted)
        #expect(caller.number == nil)
        #expect(caller.countedNumber?.description == "+447700900123")
    }

    @Test func untrustedSourcesAssertNothing() throws {
        var run = TrackerRun(SIPDialogTrackerConfiguration(plan: .unitedKingdom, trust: .trustedSources([CallScript.proxy.address])))
        var withheld = script
        withheld.from = "\"Anonymous\" <sip:anonymous@anonymous.invalid>"
        run.feed(withheld.invite(extra: ["P-Asserted-Identity: <tel:+447700900123>"]), CallScript.at(0, CallScript.caller, CallScript.proxy))
        #expect(run.events.first?.event.caller.isUnidentified == true)
    }
}
