import CallModel
import SIPParsing
import Testing

@Suite("SIP message parser")
struct SIPMessageParserTests {
    @Test func requestLineAndHeaders() throws {
        let message = try SIPMessage(bytes: SIPFixture.invite(body: "v=0\r\n"))
        #expect(message.isRequest)
        #expect(message.method == .invite)
        #expect(message.methodText == "INVITE")
        #expect(message.requestURIRange.map(message.text) == "sip:1001@pbx.example")
        #expect(message.callID == "call-1@192.0.2.10")
        #expect(message.cseq?.number == 1)
        #expect(message.cseq?.method == .invite)
        #expect(message.headers.count == 8)
        #expect(message.contentLength == 5)
        #expect(String(decoding: message.bytes[message.body], as: UTF8.self) == "v=0\r\n")
        #expect(message.first(.maxForwards).map { message.text($0.value) } == "70")
    }

    @Test("header rows written into a reused array: the same layout as a fresh parse, no rows left from the last message")
    func reusedHeaderStorage() throws {
        let long = SIPFixture.invite(body: "v=0\r\n")
        let short = Array("SIP/2.0 200 OK\r\nCall-ID: c\r\nl: 0\r\n\r\n".utf8)
        var storage: [SIPHeaderField] = []
        for bytes in [long, short, long, short] {
            let fresh = try SIPMessageParser.parse(bytes.span, truncatedBody: .keep)
            let reused = try SIPMessageParser.parse(bytes.span, truncatedBody: .keep, headerStorage: storage)
            #expect(reused == fresh)
            storage = reused.headers
        }
        let message = try SIPMessage(bytes: short, headerStorage: storage)
        #expect(message.headers.map(\.name) == [.callID, .contentLength])
    }

    @Test func statusLine() throws {
        let message = try SIPFixture.parse(
            "SIP/2.0 486 Busy Here\r\nCall-ID: x\r\nCSeq: 7 INVITE\r\nContent-Length: 0\r\n\r\n")
        #expect(!message.isRequest)
        #expect(message.statusCode == 486)
        #expect(message.method == nil)
        guard case .response(_, let reason) = message.startLine else {
            Issue.record("not a response")
            return
        }
        #expect(message.text(reason) == "Busy Here")
        #expect(message.cseq?.number == 7)
    }

    @Test func statusLineWithoutReasonPhrase() throws {
        let message = try SIPFixture.parse("SIP/2.0 200\r\nCall-ID: x\r\n\r\n")
        #expect(message.statusCode == 200)
    }

    @Test func extensionMethodsAreCaseSensitive() throws {
        let lower = try SIPFixture.parse("invite sip:1001@pbx.example SIP/2.0\r\nCall-ID: x\r\n\r\n")
        #expect(lower.method == .other)
        #expect(lower.methodText == "invite")
        let custom = try SIPFixture.parse("FOO sip:1001@pbx.example SIP/2.0\r\nCSeq: 3 FOO\r\n\r\n")
        #expect(custom.method == .other)
        #expect(custom.cseq?.method == .other)
        #expect(custom.cseq.map { custom.text($0.methodRange) } == "FOO")
    }

    @Test("compact forms", arguments: [
        ("i", SIPHeaderName.callID), ("f", .from), ("t", .to), ("m", .contact), ("l", .contentLength),
        ("v", .via), ("c", .contentType), ("k", .supported), ("s", .subject), ("y", .identity),
        ("x", .sessionExpires), ("e", .contentEncoding), ("o", .event), ("r", .referTo), ("b", .referredBy),
        ("u", .allowEvents), ("a", .acceptContact), ("j", .rejectContact), ("d", .requestDisposition),
        ("n", .identityInfo), ("I", .callID), ("F", .from), ("q", .other),
    ])
    func compactForm(letter: String, expected: SIPHeaderName) throws {
        let message = try SIPFixture.parse("OPTIONS sip:pbx.example SIP/2.0\r\n\(letter): 0\r\n\r\n")
        #expect(message.headers.first?.name == expected)
    }

    @Test func compactAndFullFormsMixedInOneMessage() throws {
        let message = try SIPFixture.parse(
            [
                "BYE sip:1001@pbx.example SIP/2.0",
                "v: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK-2",
                "f: <sip:+442079460123@trunk.example>;tag=a",
                "To: <sip:1001@pbx.example>;tag=b",
                "i: call-2",
                "CSeq: 2 BYE",
                "l: 0",
            ].joined(separator: "\r\n") + "\r\n\r\n")
        #expect(message.callID == "call-2")
        #expect(message.from.flatMap { $0.tag(in: message) }.map(message.text) == "a")
        #expect(message.to.flatMap { $0.tag(in: message) }.map(message.text) == "b")
        #expect(message.contentLength == 0)
        #expect(message.method == .bye)
    }

    @Test("header names are case-insensitive", arguments: ["Call-ID", "call-id", "CALL-ID", "cAlL-iD"])
    func caseInsensitiveNames(name: String) throws {
        let message = try SIPFixture.parse("OPTIONS sip:pbx.example SIP/2.0\r\n\(name): abc\r\n\r\n")
        #expect(message.callID == "abc")
    }

    /// Every full name the parser recognises (eight bytes at a time past eight), in any case;
    /// a near miss (a `_` for a `-` or for the last letter, one letter short) is `other`.
    @Test("full header names in any case; near misses are other", arguments: [
        ("to", SIPHeaderName.to), ("via", .via), ("cseq", .cseq), ("from", .from), ("event", .event),
        ("route", .route), ("reason", .reason), ("call-id", .callID), ("contact", .contact),
        ("expires", .expires), ("privacy", .privacy), ("subject", .subject), ("identity", .identity),
        ("refer-to", .referTo), ("diversion", .diversion), ("supported", .supported),
        ("user-agent", .userAgent), ("referred-by", .referredBy), ("allow-events", .allowEvents),
        ("content-type", .contentType), ("history-info", .historyInfo), ("max-forwards", .maxForwards),
        ("record-route", .recordRoute), ("identity-info", .identityInfo), ("p-charge-info", .pChargeInfo),
        ("accept-contact", .acceptContact), ("content-length", .contentLength),
        ("reject-contact", .rejectContact), ("remote-party-id", .remotePartyID),
        ("session-expires", .sessionExpires), ("content-encoding", .contentEncoding),
        ("p-asserted-identity", .pAssertedIdentity), ("request-disposition", .requestDisposition),
        ("p-preferred-identity", .pPreferredIdentity),
    ])
    func fullHeaderNames(name: String, expected: SIPHeaderName) throws {
        func recognised(_ written: String) throws -> SIPHeaderName? {
            // Content-Length must stay a number for the message to parse.
            let value = expected == .contentLength && written.lowercased() == name ? "0" : "x"
            let message = try SIPFixture.parse("OPTIONS sip:pbx.example SIP/2.0\r\n\(written): \(value)\r\n\r\n")
            return message.headers.first?.name
        }
        let mixed = String(name.enumerated().map { $0.offset.isMultiple(of: 2) ? Character($0.element.uppercased()) : $0.element })
        #expect(try recognised(name) == expected)
        #expect(try recognised(name.uppercased()) == expected)
        #expect(try recognised(mixed) == expected)
        #expect(try recognised(String(name.dropLast()) + "_") == .other)
        if name.count > 2 {  // "t" is To's compact form
            #expect(try recognised(String(name.dropLast())) != expected)
        }
        if name.contains("-") {
            #expect(try recognised(String(name.map { $0 == "-" ? "_" : $0 })) == .other)
        }
    }

    @Test func blanksBeforeTheColonAndAroundTheValue() throws {
        let message = try SIPFixture.parse("OPTIONS sip:pbx.example SIP/2.0\r\nCall-ID \t:   abc  \t\r\n\r\n")
        #expect(message.callID == "abc")
    }

    @Test func obsoleteLineFolding() throws {
        let message = try SIPFixture.parse(
            [
                "INVITE sip:1001@pbx.example SIP/2.0",
                "Subject: I know you are",
                "   there,",
                "\tpick up!",
                "From:",
                " \"Caller\" <sip:+442079460123@trunk.example>",
                " ;tag=f9",
                "Call-ID: folded-1",
            ].joined(separator: "\r\n") + "\r\n\r\n")
        let subject = try #require(message.first(.subject))
        #expect(subject.isFolded)
        #expect(message.text(subject.value) == "I know you are there, pick up!")
        let from = try #require(message.from)
        #expect(from.tag(in: message).map(message.text) == "f9")
        #expect(message.text(from.uri.whole) == "sip:+442079460123@trunk.example")
        #expect(message.callID == "folded-1")
        #expect(message.headers.count == 3)
    }

    @Test func severalRowsAndCommaListsAreOneList() throws {
        let message = try SIPFixture.parse(
            [
                "INVITE sip:1001@pbx.example SIP/2.0",
                "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-a, SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK-b",
                "Via: SIP/2.0/UDP 192.0.2.3;branch=z9hG4bK-c",
                "P-Asserted-Identity: \"Smith, Bob\" <sip:+442079460123@trunk.example;x=1,2>, <tel:+442079460123>",
                "Call-ID: lists-1",
            ].joined(separator: "\r\n") + "\r\n\r\n")
        #expect(message.values(.via).map(message.text) == [
            "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-a", "SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK-b",
            "SIP/2.0/UDP 192.0.2.3;branch=z9hG4bK-c",
        ])
        #expect(message.values(.pAssertedIdentity).map(message.text) == [
            "\"Smith, Bob\" <sip:+442079460123@trunk.example;x=1,2>", "<tel:+442079460123>",
        ])
    }

    @Test func quotedCommasAndEscapedQuotesDoNotSplit() throws {
        let message = try SIPFixture.parse(
            "OPTIONS sip:pbx.example SIP/2.0\r\nContact: \"A \\\"x, y\\\" B\" <sip:a@h>,  ,<sip:b@h>\r\n\r\n")
        #expect(message.values(.contact).map(message.text) == ["\"A \\\"x, y\\\" B\" <sip:a@h>", "<sip:b@h>"])
    }

    @Test func contentLengthBoundsTheBodyAndExcessIsIgnored() throws {
        let message = try SIPFixture.parse("MESSAGE sip:1001@pbx.example SIP/2.0\r\nl: 5\r\n\r\nhello, and more")
        #expect(message.text(message.body) == "hello")
    }

    @Test func withoutContentLengthTheBodyIsTheRest() throws {
        let message = try SIPFixture.parse("MESSAGE sip:1001@pbx.example SIP/2.0\r\nCall-ID: x\r\n\r\nhello")
        #expect(message.contentLength == nil)
        #expect(message.text(message.body) == "hello")
    }

    @Test func bareLineFeedsLeadingKeepAlivesAndAMissingBlankLineAreAccepted() throws {
        let message = try SIPFixture.parse("\r\n\r\nOPTIONS sip:pbx.example SIP/2.0\nCall-ID: lf-only\nCSeq: 1 OPTIONS")
        #expect(message.callID == "lf-only")
        #expect(message.cseq?.method == .options)
        #expect(message.body.isEmpty)
    }

    @Test("malformed input is a typed error", arguments: [
        ("", SIPParseError.Code.empty),
        ("\r\n\r\n", .empty),
        ("INVITE sip:1001@pbx.example SIP/2.0", .truncatedStartLine),
        ("INVITE\r\n\r\n", .malformedRequestLine),
        ("INVITE  sip:a@b SIP/2.0\r\n\r\n", .malformedRequestLine),
        ("INVITE sip:a@b\r\n\r\n", .malformedRequestLine),
        ("INVITE sip:a@b HTTP/1.1\r\n\r\n", .malformedRequestLine),
        ("INVITE sip:a@b SIP/3.0\r\n\r\n", .unsupportedVersion),
        ("SIP/2.0 20 OK\r\n\r\n", .malformedStatusLine),
        ("SIP/2.0 2000 OK\r\n\r\n", .malformedStatusLine),
        ("SIP/2.0 099 Odd\r\n\r\n", .badStatusCode),
        ("SIP/2.0 700 Odd\r\n\r\n", .badStatusCode),
        ("SIP/1.0 200 OK\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.1\r\n\r\n", .malformedRequestLine),
        ("OPTIONS sip:a@b SIP/2.0\r\n folded first\r\n\r\n", .foldingWithoutHeader),
        ("OPTIONS sip:a@b SIP/2.0\r\nNo colon here\r\n\r\n", .malformedHeaderLine),
        ("OPTIONS sip:a@b SIP/2.0\r\n: empty name\r\n\r\n", .malformedHeaderLine),
        ("OPTIONS sip:a@b SIP/2.0\r\nBad\u{1}Name: x\r\n\r\n", .malformedHeaderLine),
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: ten\r\n\r\n", .badContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n", .badContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 99999999999999999999\r\n\r\n", .badContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\nl: 3\r\n\r\nabc", .badContentLength),
        ("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 10\r\n\r\nshort", .bodyTruncated),
    ])
    func malformed(text: String, code: SIPParseError.Code) {
        #expect(SIPFixture.error(Array(text.utf8))?.code == code)
    }

    @Test func tooManyHeaders() {
        let lines = ["OPTIONS sip:a@b SIP/2.0"] + (0...SIPMessageParser.maximumHeaderCount).map { "X-H\($0): v" }
        #expect(SIPFixture.error(SIPFixture.message(lines))?.code == .tooManyHeaders)
    }

    @Test func oversizedMessage() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: SIPMessageParser.maximumMessageLength + 1)
        #expect(SIPFixture.error(bytes)?.code == .messageTooLong)
    }

    @Test func errorsNameTheirPlaceWithoutContent() {
        let error = SIPFixture.error(Array("OPTIONS sip:a@b SIP/2.0\r\nNo colon\r\n\r\n".utf8))
        #expect(error?.description == "malformed-header-line (byte 28)")
    }

    @Test func theSameMessageParsesTheSameFromAnyContainer() throws {
        let bytes = SIPFixture.invite(body: "v=0\r\n")
        let fromArray = try SIPMessage(bytes: bytes)
        let padded: [UInt8] = Array("garbage\r\n".utf8) + bytes + Array("trailing".utf8)
        let fromSlice = try SIPMessage(bytes: padded[9..<(9 + bytes.count)])
        let fromRaw = try padded.withUnsafeBytes { raw throws(SIPParseError) in
            try SIPMessage(bytes: UnsafeRawBufferPointer(rebasing: raw[9..<(9 + bytes.count)]))
        }
        for message in [fromSlice, fromRaw] {
            #expect(message.bytes == fromArray.bytes)
            #expect(message.headers == fromArray.headers)
            #expect(message.startLine == fromArray.startLine)
            #expect(message.body == fromArray.body)
        }
    }
}
