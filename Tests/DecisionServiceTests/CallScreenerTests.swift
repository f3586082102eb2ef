import BoundedQueues
import CallModel
import CallwardenPorts
import Ingest
import DecisionService
import MetricsExposition
import Testing

@Suite("CallScreener")
struct CallScreenerTests {
    @Test(
        "numbers as the PBX sends them are normalised before the decider sees them",
        arguments: [
            ("sip:+442079460123@carrier.example", "block"),
            ("<sip:02079460123@pbx.example;user=phone>", "block"),
            ("020 7946 0123", "block"),
            ("00442079460123", "block"),
            ("tel:+44-20-7946-0123", "block"),
            ("07700900111", "redirect"),
            ("anonymous", "redirect"),
            ("sip:anonymous@anonymous.invalid", "redirect"),
            ("", "redirect"),
            ("unknown", "redirect"),
            ("02079460777", "allow"),
            ("1002", "allow"),
        ])
    func normalisation(raw: String, expected: String) {
        let fixture = ScreeningFixture()
        let outcome = fixture.screener.screen(RawDecisionQuery(caller: raw, callee: "sip:1001@pbx.example", callID: "c1"))
        #expect(outcome.decision.action.name == expected)
    }

    @Test("every decision is recorded as a started decision-request event with the normalised parties")
    func recordsEvent() throws {
        let fixture = ScreeningFixture()
        let outcome = fixture.screener.screen(
            RawDecisionQuery(caller: "sip:02079460123@carrier", callee: "sip:1001@pbx", callID: "a84b4c76e66710"))
        #expect(outcome.eventRecorded)
        #expect(outcome.callID == "a84b4c76e66710")
        let events = fixture.queue.drain(maxCount: 10)
        let event = try #require(events.first)
        #expect(events.count == 1)
        #expect(event.source == .decisionRequest)
        #expect(event.phase == .started)
        #expect(event.callID == "a84b4c76e66710")
        #expect(event.caller.number?.description == "+442079460123")
        #expect(event.caller.raw == "sip:02079460123@carrier")
        #expect(event.callee.key == "1001")
        #expect(event.callStart == event.time)
        #expect(fixture.metrics.decisionCount(.block) == 1)
    }

    @Test("a question without a call id gets a synthetic, unique one")
    func syntheticCallID() {
        let fixture = ScreeningFixture()
        let first = fixture.screener.screen(RawDecisionQuery(caller: "02079460777", callee: "1001"))
        let second = fixture.screener.screen(RawDecisionQuery(caller: "02079460777", callee: "1001", callID: ""))
        #expect(first.callID.hasPrefix("cw-"))
        #expect(second.callID.hasPrefix("cw-"))
        #expect(first.callID != second.callID)
        #expect(fixture.queue.drain(maxCount: 10).map(\.callID) == [first.callID, second.callID])
    }

    @Test("a full event queue drops the event, counts it, and still answers the decision")
    func droppedEventCounted() {
        let fixture = ScreeningFixture(queueCapacity: 2)
        var recorded: [Bool] = []
        for _ in 0..<5 {
            let outcome = fixture.screener.screen(RawDecisionQuery(caller: "02079460123", callee: "1001"))
            #expect(outcome.decision.action == .block)
            recorded.append(outcome.eventRecorded)
        }
        #expect(recorded == [true, true, false, false, false])
        #expect(fixture.metrics.droppedEventCount == 3)
        #expect(fixture.queue.droppedCount == 3)
        #expect(MetricsRegistry([fixture.metrics]).prometheusText().contains("callwarden_decision_events_dropped_total 3\n"))
    }

    @Test("a withheld number the PBX still names counts as the asserted identity, not as unidentified")
    func restrictedPresentation() {
        let fixture = ScreeningFixture()
        let query = RawDecisionQuery(caller: "02079460123", callee: "1001", presentationRestricted: true)
        let identity = fixture.screener.callerIdentity(of: query)
        #expect(identity.number == nil)
        #expect(identity.assertedIdentity?.description == "+442079460123")
        #expect(identity.presentationRestricted)
        #expect(fixture.screener.screen(query).decision.action == .block)
    }

    @Test("a P-Asserted-Identity decides over an anonymous From")
    func assertedIdentity() {
        let fixture = ScreeningFixture()
        let outcome = fixture.screener.screen(
            RawDecisionQuery(caller: "anonymous", callee: "1001", assertedIdentity: "<sip:+442079460123@carrier>"))
        #expect(outcome.decision.action == .block)
    }

    @Test(
        "unusable fields are named",
        arguments: [
            (RawDecisionQuery(caller: "0207", callee: ""), "callee"),
            (RawDecisionQuery(caller: String(repeating: "1", count: 300), callee: "1001"), "caller"),
            (RawDecisionQuery(caller: "0207", callee: "1001", callID: "a\nb"), "callid"),
            (RawDecisionQuery(caller: "0207", callee: "1001", callerName: "x\u{7F}"), "name"),
        ])
    func problems(query: RawDecisionQuery, parameter: String) {
        #expect(query.problem()?.parameter == parameter)
    }

    @Test("a good query has no problem, an empty caller included")
    func noProblem() {
        #expect(RawDecisionQuery(caller: "", callee: "1001").problem() == nil)
        #expect(RawDecisionQuery(caller: "sip:+442079460123@host", callee: "sip:1001@pbx", callID: "x@y").problem() == nil)
    }
}
