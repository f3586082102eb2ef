import CDRParsing
import CallModel
import Testing

@Suite("FreeSWITCH mod_cdr_csv")
struct FreeSWITCHCSVDecoderTests {
    @Test("default and example templates", arguments: [false, true])
    func templates(example: Bool) throws {
        var decoder = Fixture.decoder(.freeswitchCSV, zone: .fixed(offsetSeconds: 7_200))
        let event = try #require(try decoder.decode(Fixture.freeswitchLine(example: example)))
        #expect(event.source == .freeswitchCSV)
        #expect(event.callID == Fixture.uuid)
        #expect(event.phase == .ended)
        #expect(event.disposition == .answered)
        #expect(event.callStart?.rfc3339 == "2024-01-15T12:30:22Z")
        #expect(event.time.rfc3339 == "2024-01-15T12:31:02Z")
        #expect(event.duration == .seconds(40))
        #expect(event.talkTime == .seconds(35))
        #expect(event.caller.displayName == "Alice Example")
        #expect(event.caller.number == E164Number(e164: "+447700900123"))
        #expect(event.callee.key == "1001")
    }

    @Test func rawQuoteInCallerNameIsKept() throws {
        var decoder = Fixture.decoder(.freeswitchCSV)
        for name in ["Al \"Bad\" Caller", "\"Quoted\"", "Trailing\""] {
            let event = try #require(try decoder.decode(Fixture.freeswitchLine(name: name, example: true)))
            #expect(event.caller.displayName == name)
            #expect(event.callID == Fixture.uuid)
        }
    }

    @Test func emptyNameIsNil() throws {
        var decoder = Fixture.decoder(.freeswitchCSV)
        #expect(try decoder.decode(Fixture.freeswitchLine(name: ""))?.caller.displayName == nil)
    }

    @Test("hangup causes map to dispositions", arguments: [
        ("NORMAL_CLEARING", "35", "2024-01-15 14:30:27", Disposition.answered),
        ("NORMAL_CLEARING", "0", "", .failed),
        ("ORIGINATOR_CANCEL", "0", "", .cancelled),
        ("NO_ANSWER", "0", "", .noAnswer),
        ("NO_USER_RESPONSE", "0", "", .noAnswer),
        ("USER_BUSY", "0", "", .busy),
        ("CALL_REJECTED", "0", "", .rejected),
        ("NORMAL_CIRCUIT_CONGESTION", "0", "", .congestion),
        ("UNALLOCATED_NUMBER", "0", "", .failed),
        ("RECOVERY_ON_TIMER_EXPIRE", "0", "", .failed),
    ])
    func hangupCauses(cause: String, billsec: String, answer: String, disposition: Disposition) throws {
        var decoder = Fixture.decoder(.freeswitchCSV)
        let event = try #require(try decoder.decode(Fixture.freeswitchLine(answer: answer, billsec: billsec, cause: cause)))
        #expect(event.disposition == disposition)
        #expect(event.phase == disposition.terminalPhase)
    }

    @Test func headerLineGivesNil() throws {
        var decoder = Fixture.decoder(.freeswitchCSV)
        let header = "caller_id_name,caller_id_number,destination_number,context,start_stamp,answer_stamp,end_stamp,duration,billsec,hangup_cause,uuid,bleg_uuid,accountcode"
        #expect(try decoder.decode(header) == nil)
        #expect(try decoder.decode("\"caller_id_name\",\"caller_id_number\",\"x\"") == nil)
    }
}
