import CDRParsing
import CallModel
import Testing

@Suite("JSON event lines")
struct JSONEventDecoderTests {
    @Test func everyOptionalField() throws {
        var decoder = Fixture.decoder(.jsonLines)
        let event = try #require(try decoder.decode(Fixture.fullJSON))
        #expect(event.source == .jsonLines)
        #expect(event.callID == "abc-1")
        #expect(event.phase == .ended)
        #expect(event.disposition == .answered)
        #expect(event.time.rfc3339 == "2024-01-15T12:31:02Z")
        #expect(event.callStart == Timestamp(microsecondsSinceEpoch: 1_705_321_822_500_000))
        #expect(event.duration == .seconds(40))
        #expect(event.talkTime == TimeSpan(microseconds: 35_250_000))
        #expect(event.caller.raw == "+447700900123")
        #expect(event.caller.number == E164Number(e164: "+447700900123"))
        #expect(event.caller.displayName == "Café \"Q\" \u{1F600}/\t")
        #expect(event.caller.assertedIdentity == E164Number(e164: "+442079460123"))
        #expect(event.caller.presentationRestricted)
        #expect(event.callee.key == "1001")
    }

    @Test func requiredFieldsOnly() throws {
        var decoder = Fixture.decoder(.jsonLines)
        let event = try #require(try decoder.decode(Fixture.minimalJSON))
        #expect(event.callID == "call-1")
        #expect(event.disposition == nil)
        #expect(event.callStart == nil)
        #expect(event.duration == nil)
        #expect(event.talkTime == nil)
        #expect(event.caller.displayName == nil)
        #expect(event.caller.assertedIdentity == nil)
        #expect(!event.caller.presentationRestricted)
    }

    @Test("time forms", arguments: [
        #""2024-01-15T12:30:22Z""#,
        #""2024-01-15T14:30:22+02:00""#,
        #""2024-01-15T07:30:22-05:00""#,
        #""2024-01-15t12:30:22.000z""#,
        #""2024-01-15 12:30:22Z""#,
        #""2024-01-15T12:30:22.0000009Z""#,
        "1705321822",
        "1705321822.0",
        "1.705321822e9",
        "17053218220E-1",
    ])
    func timeForms(time: String) throws {
        var decoder = Fixture.decoder(.jsonLines)
        let line = #"{"time":"# + time + #","call_id":"c","phase":"started","caller":"","callee":"1001"}"#
        let event = try #require(try decoder.decode(line))
        #expect(event.time == Timestamp(secondsSinceEpoch: 1_705_321_822))
        #expect(event.phase == .started)
    }

    @Test func fractionalTimesKeepMicroseconds() throws {
        var decoder = Fixture.decoder(.jsonLines)
        let line = #"{"time":"2024-01-15T14:30:22.123456+02:00","start":1705321822.654321,"call_id":"c","phase":"ringing","caller":"x","callee":"1001"}"#
        let event = try #require(try decoder.decode(line))
        #expect(event.time == Fixture.utc(2024, 1, 15, 12, 30, 22, micro: 123_456))
        #expect(event.callStart == Fixture.utc(2024, 1, 15, 12, 30, 22, micro: 654_321))
    }

    @Test func unknownKeysAndNullOptionalsAreIgnored() throws {
        var decoder = Fixture.decoder(.jsonLines)
        let line = #"{"future":{"a":[true,false,null,"s\n",{"b":[]}]},"time":1705321822,"call_id":"c","phase":"answered","caller":"anonymous","callee":"1001","disposition":null,"caller_name":null,"x":[],"v":1.0}"#
        let event = try #require(try decoder.decode(line))
        #expect(event.phase == .answered)
        #expect(event.disposition == nil)
        #expect(event.caller.isUnidentified)
        #expect(event.caller.presentationRestricted)
    }

    @Test func escapedKeysMatch() throws {
        var decoder = Fixture.decoder(.jsonLines)
        let line = #"{"\u0074ime":1705321822,"call\u005fid":"c","phase":"ended","caller":"07700900123","callee":"1001"}"#
        #expect(try decoder.decode(line)?.time == Timestamp(secondsSinceEpoch: 1_705_321_822))
    }

    @Test func privacyWithAssertedIdentityCountsByAssertedNumber() throws {
        var decoder = Fixture.decoder(.jsonLines)
        let line = #"{"time":1705321822,"call_id":"c","phase":"started","caller":"","privacy":true,"asserted_identity":"+447700900456","callee":"1001"}"#
        let event = try #require(try decoder.decode(line))
        #expect(event.caller.presentationRestricted)
        #expect(event.caller.countedNumber == E164Number(e164: "+447700900456"))
        #expect(!event.caller.isUnidentified)
    }

    @Test("every disposition", arguments: Disposition.allCases)
    func dispositions(disposition: Disposition) throws {
        var decoder = Fixture.decoder(.jsonLines)
        let line = #"{"time":1705321822,"call_id":"c","phase":"failed","caller":"x","callee":"1001","disposition":""# + disposition.rawValue + #""}"#
        #expect(try decoder.decode(line)?.disposition == disposition)
    }

    @Test("every phase", arguments: CallPhase.allCases)
    func phases(phase: CallPhase) throws {
        var decoder = Fixture.decoder(.jsonLines)
        let line = #"{"time":1705321822,"call_id":"c","phase":""# + phase.rawValue + #"","caller":"x","callee":"1001"}"#
        #expect(try decoder.decode(line)?.phase == phase)
    }

    @Test func whitespaceAroundTokens() throws {
        var decoder = Fixture.decoder(.jsonLines)
        let line = " { \"time\" : 1705321822 , \"call_id\" :\t\"c\", \"phase\":\"ended\" ,\"caller\":\"x\",\"callee\":\"1001\" } "
        #expect(try decoder.decode(line)?.callID == "c")
    }

    /// The two example lines of docs/event-schema.md.
    @Test func documentedExamplesDecode() throws {
        var decoder = Fixture.decoder(.jsonLines)
        let full = #"{"v":1,"time":"2024-01-15T14:31:02+02:00","call_id":"1705321822.42","phase":"ended","caller":"07700 900123","caller_name":"Caller","callee":"1001","disposition":"answered","start":"2024-01-15T14:30:22+02:00","duration":40,"talk_time":35}"#
        let event = try #require(try decoder.decode(full))
        #expect(event.caller.number == E164Number(e164: "+447700900123"))
        #expect(event.callStart?.rfc3339 == "2024-01-15T12:30:22Z")
        #expect(event.talkTime == .seconds(35))
        let smallest = #"{"time":1705321822,"call_id":"c-1","phase":"started","caller":"anonymous","callee":"1001"}"#
        #expect(try decoder.decode(smallest)?.caller.isUnidentified == true)
    }

    @Test func formatNamesAndSources() {
        #expect(CDRFormat(rawValue: "jsonl") == .jsonLines)
        #expect(CDRFormat.allCases.map(\.eventSource) == [.asteriskCSV, .freeswitchCSV, .jsonLines])
    }
}
