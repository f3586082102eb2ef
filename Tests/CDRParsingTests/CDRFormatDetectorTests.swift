import CDRParsing
import Testing

@Suite("Format detection")
struct CDRFormatDetectorTests {
    @Test("each valid line is recognised as its own format", arguments: Array(Fixture.validLines.indices))
    func singleLine(index: Int) {
        let (format, text) = Fixture.validLines[index]
        #expect(CDRFormatDetector.detect(firstLines: [Array(text.utf8)]) == format)
    }

    @Test func headersAndBlankLinesDoNotVote() {
        let header = Array("caller_id_name,caller_id_number,destination_number".utf8)
        let lines = [header, [], Array(Fixture.freeswitchLine().utf8), Array((Fixture.freeswitchLine(example: true) + "\r").utf8)]
        #expect(CDRFormatDetector.detect(firstLines: lines) == .freeswitchCSV)
    }

    @Test func disagreementOrNothingRecognisedIsNil() {
        let asterisk = Array(Fixture.asteriskLine(.columns17).utf8)
        let json = Array(Fixture.minimalJSON.utf8)
        #expect(CDRFormatDetector.detect(firstLines: [asterisk, json]) == nil)
        #expect(CDRFormatDetector.detect(firstLines: []) == nil)
        #expect(CDRFormatDetector.detect(firstLines: [Array("hello, world".utf8), [0xFF, 0xFE]]) == nil)
        #expect(CDRFormatDetector.detect(firstLines: [Array("\"a\",\"b\",\"c\"".utf8)]) == nil)
    }

    @Test func manyAsteriskLinesAgree() {
        let lines = [AsteriskColumnSet.columns16, .columns18, .columns21].map { Array(Fixture.asteriskLine($0).utf8) }
        #expect(CDRFormatDetector.detect(firstLines: lines) == .asteriskCSV)
    }
}
