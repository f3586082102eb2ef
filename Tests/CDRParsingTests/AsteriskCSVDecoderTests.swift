import CDRParsing
import CallModel
import Testing

@Suite("Asterisk cdr_csv")
struct AsteriskCSVDecoderTests {
    @Test("every column layout decodes, auto and fixed", arguments: [
        AsteriskColumnSet.columns16, .columns17, .columns18, .columns19, .columns20, .columns21,
    ])
    func columnLayouts(columns: AsteriskColumnSet) throws {
        let line = Fixture.asteriskLine(columns)
        for layout in [AsteriskColumnLayout.auto, .fixed(columns)] {
            var decoder = Fixture.decoder(.asteriskCSV, columns: layout)
            let event = try #require(try decoder.decode(line))
            #expect(event.source == .asteriskCSV)
            #expect(event.phase == .ended)
            #expect(event.disposition == .answered)
            #expect(event.time == Fixture.utc(2024, 1, 15, 14, 31, 2))
            #expect(event.callStart == Fixture.utc(2024, 1, 15, 14, 30, 22))
            #expect(event.duration == .seconds(40))
            #expect(event.talkTime == .seconds(35))
            #expect(event.caller.raw == "07700900123")
            #expect(event.caller.number == E164Number(e164: "+447700900123"))
            #expect(event.caller.displayName == "Caller")
            #expect(event.callee.raw == "1001")
            #expect(event.callee.key == "1001")
            if columns.newCDRColumns {
                #expect(event.callID == Fixture.linkedID)
            } else if columns.uniqueID {
                #expect(event.callID == Fixture.uniqueID)
            } else {
                #expect(event.callID.hasPrefix("cdr-"))
                #expect(event.callID.utf8.count == 20)
            }
        }
    }

    @Test func columnSetCountsMatchInference() {
        for count in 16...21 {
            #expect(AsteriskColumnSet.inferred(columnCount: count)?.columnCount == count)
        }
        #expect(AsteriskColumnSet.inferred(columnCount: 15) == nil)
        #expect(AsteriskColumnSet.inferred(columnCount: 22) == nil)
    }

    @Test func syntheticCallIDIsStableAndDependsOnTheCall() throws {
        var first = Fixture.decoder(.asteriskCSV)
        var second = Fixture.decoder(.asteriskCSV)
        let line = Fixture.asteriskLine(.columns16)
        let a = try #require(try first.decode(line)).callID
        let b = try #require(try second.decode(line)).callID
        let other = try #require(try first.decode(Fixture.asteriskLine(.columns16, base: Fixture.asteriskBase(dst: "\"1002\"")))).callID
        #expect(a == b)
        #expect(a != other)
    }

    @Test func emptyLinkedIDFallsBackToUniqueID() throws {
        var decoder = Fixture.decoder(.asteriskCSV)
        let line = Fixture.asteriskBase() + ",\"\(Fixture.uniqueID)\",\"\",\"\",\"\",3"
        #expect(try decoder.decode(line)?.callID == Fixture.uniqueID)
    }

    @Test func unansweredCallHasBareEmptyAnswerField() throws {
        var decoder = Fixture.decoder(.asteriskCSV)
        let line = Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(answer: "", billsec: "0", disposition: "\"NO ANSWER\""))
        #expect(line.contains("22\",,\"2024"))
        let event = try #require(try decoder.decode(line))
        #expect(event.phase == .failed)
        #expect(event.disposition == .noAnswer)
        #expect(event.talkTime == .seconds(0))
        #expect(event.duration == .seconds(40))
    }

    @Test("dispositions map to phase and disposition", arguments: [
        ("ANSWERED", Disposition.answered, CallPhase.ended),
        ("NO ANSWER", .noAnswer, .failed),
        ("BUSY", .busy, .failed),
        ("FAILED", .failed, .failed),
        ("CONGESTION", .congestion, .failed),
        ("CANCEL", .cancelled, .cancelled),
        ("UNKNOWN", .unknown, .failed),
        ("SOMETHING ELSE", .unknown, .failed),
    ])
    func dispositions(text: String, disposition: Disposition, phase: CallPhase) throws {
        var decoder = Fixture.decoder(.asteriskCSV)
        let event = try #require(try decoder.decode(Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(disposition: "\"\(text)\""))))
        #expect(event.disposition == disposition)
        #expect(event.phase == phase)
    }

    @Test("display name from clid", arguments: [
        ("\"\"\"Caller\"\" <07700900123>\"", "Caller" as String?),
        ("\"\"\"O\"\"Brien\"\" <07700900123>\"", "O\"Brien"),
        ("\"Reception <07700900123>\"", "Reception"),
        ("\"Front Desk\"", "Front Desk"),
        ("\"07700900123\"", nil),
        ("\"\"", nil),
        ("\"<07700900123>\"", nil),
        ("\"\"\"\"\" <07700900123>\"", nil),
    ])
    func clidDisplayName(clid: String, expected: String?) throws {
        var decoder = Fixture.decoder(.asteriskCSV)
        let event = try #require(try decoder.decode(Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(clid: clid))))
        #expect(event.caller.displayName == expected)
        #expect(event.caller.raw == "07700900123")
    }

    @Test func doubledQuotesInsideOtherFieldsAreUnescaped() throws {
        var decoder = Fixture.decoder(.asteriskCSV)
        let line = Fixture.asteriskBase() + ",\"id\"\"with\"\"quotes\""
        #expect(try decoder.decode(line)?.callID == "id\"with\"quotes")
    }

    @Test func localTimeIsConvertedWithTheConfiguredZone() throws {
        var decoder = Fixture.decoder(.asteriskCSV, zone: .fixed(offsetSeconds: 7_200))
        let event = try #require(try decoder.decode(Fixture.asteriskLine(.columns17)))
        #expect(event.callStart?.rfc3339 == "2024-01-15T12:30:22Z")
        #expect(event.time.rfc3339 == "2024-01-15T12:31:02Z")
    }

    @Test func zoneOffsetCacheFollowsOffsetChanges() throws {
        // A resolver with "summer time" from April: the cache must not reuse January's offset.
        let zone = LocalTimeZone(name: "test") { civil in civil.month >= 4 ? 10_800 : 7_200 }
        var decoder = Fixture.decoder(.asteriskCSV, zone: zone)
        let winter = Fixture.asteriskLine(.columns17)
        let summer = Fixture.asteriskLine(
            .columns17,
            base: Fixture.asteriskBase(
                start: "\"2024-07-15 14:30:22\"", answer: "", end: "\"2024-07-15 14:31:02\"", billsec: "0",
                disposition: "\"BUSY\""))
        for _ in 0..<3 {
            #expect(try decoder.decode(winter)?.callStart?.rfc3339 == "2024-01-15T12:30:22Z")
            #expect(try decoder.decode(summer)?.callStart?.rfc3339 == "2024-07-15T11:30:22Z")
        }
    }

    @Test func withheldAndInternalCallers() throws {
        var decoder = Fixture.decoder(.asteriskCSV)
        let anonymous = try #require(
            try decoder.decode(Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(src: "\"anonymous\"", clid: "\"\""))))
        #expect(anonymous.caller.presentationRestricted)
        #expect(anonymous.caller.isUnidentified)
        let internalCall = try #require(try decoder.decode(Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(src: "\"1002\""))))
        #expect(internalCall.caller.internalExtension == "1002")
        let outbound = try #require(
            try decoder.decode(Fixture.asteriskLine(.columns17, base: Fixture.asteriskBase(dst: "\"02079460123\""))))
        #expect(outbound.callee.key == "+442079460123")
    }

    @Test("header lines give nil", arguments: [
        "accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,answer,end,duration,billsec,disposition,amaflags",
        "\"accountcode\",\"src\",\"dst\",\"dcontext\",\"clid\",\"channel\",\"dstchannel\",\"lastapp\",\"lastdata\",\"start\",\"answer\",\"end\",\"duration\",\"billsec\",\"disposition\",\"amaflags\",\"uniqueid\"",
    ])
    func headerLine(line: String) throws {
        var decoder = Fixture.decoder(.asteriskCSV)
        #expect(try decoder.decode(line) == nil)
    }

    @Test func trailingCarriageReturnAndByteOrderMarkAreTolerated() throws {
        var decoder = Fixture.decoder(.asteriskCSV)
        let line = Fixture.asteriskLine(.columns17)
        let plain = try decoder.decode(line)
        #expect(plain != nil)
        #expect(try decoder.decode(line + "\r") == plain)
        #expect(try decoder.decode([0xEF, 0xBB, 0xBF] + Array(line.utf8)) == plain)
    }

    @Test("blank lines give nil", arguments: ["", " ", "\t ", "\r"])
    func blankLine(line: String) throws {
        for format in CDRFormat.allCases {
            var decoder = Fixture.decoder(format)
            #expect(try decoder.decode(line) == nil)
        }
    }
}
