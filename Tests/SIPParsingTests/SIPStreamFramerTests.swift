import SIPParsing
import Testing

@Suite("SIP stream framing by Content-Length")
struct SIPStreamFramerTests {
    static let first = SIPFixture.invite(callID: "stream-1", body: "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\n")
    static let second = SIPFixture.message(["SIP/2.0 100 Trying", "Call-ID: stream-1", "CSeq: 1 INVITE", "l: 0"])

    /// Splits a stream the way a TCP reader would: frames from the front while whole messages are
    /// there, dropping keep-alives; returns the messages and what is left over.
    static func drain(_ buffer: inout [UInt8]) throws(SIPParseError) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        while true {
            switch try SIPStreamFramer.nextFrame(in: buffer) {
            case .needMoreBytes: return messages
            case .keepAlive(let length): buffer.removeFirst(length)
            case .message(let length, _):
                messages.append(Array(buffer.prefix(length)))
                buffer.removeFirst(length)
            }
        }
    }

    @Test func severalMessagesInOneSegmentWithKeepAlives() throws {
        var buffer = Array("\r\n\r\n".utf8) + Self.first + Array("\r\n".utf8) + Self.second
        let messages = try Self.drain(&buffer)
        #expect(messages == [Self.first, Self.second])
        #expect(buffer.isEmpty)
        #expect(try SIPMessage(bytes: messages[0]).text(try SIPMessage(bytes: messages[0]).body).hasPrefix("v=0"))
    }

    /// The ByteToMessageDecoderVerifier idea: byte by byte, in odd chunks and all at once give the
    /// same messages.
    @Test("drip-feed gives the same messages", arguments: [1, 2, 3, 7, 64, 10_000])
    func dripFeed(chunk: Int) throws {
        let stream = Self.first + Self.second + Self.first
        var buffer: [UInt8] = []
        var messages: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            let end = min(offset + chunk, stream.count)
            buffer += stream[offset..<end]
            offset = end
            messages += try Self.drain(&buffer)
        }
        #expect(messages == [Self.first, Self.second, Self.first])
        #expect(buffer.isEmpty)
    }

    @Test func aPartialBodyWaits() throws {
        let partial = Array(Self.first.dropLast(3))
        #expect(try SIPStreamFramer.nextFrame(in: partial) == .needMoreBytes)
        #expect(try SIPStreamFramer.nextFrame(in: []) == .needMoreBytes)
    }

    @Test func missingContentLengthMeansNoBody() throws {
        let bytes = SIPFixture.message(["OPTIONS sip:pbx.example SIP/2.0", "Call-ID: no-length"]) + Array("NEXT".utf8)
        #expect(try SIPStreamFramer.nextFrame(in: bytes) == .message(length: bytes.count - 4, hasContentLength: false))
    }

    @Test func theStartLineIsNeverReadAsContentLength() throws {
        let bytes = SIPFixture.message(["l: 5 sip:x SIP/2.0", "Content-Length: 0"])
        #expect(try SIPStreamFramer.nextFrame(in: bytes) == .message(length: bytes.count, hasContentLength: true))
    }

    @Test func headersThatNeverEndFailTheStream() {
        let endless = [UInt8](repeating: UInt8(ascii: "a"), count: SIPStreamFramer.maximumHeaderLength + 1)
        #expect(throws: SIPParseError(.headersTooLong, at: SIPStreamFramer.maximumHeaderLength)) {
            try SIPStreamFramer.nextFrame(in: endless)
        }
    }

    @Test("bad Content-Length fails the stream", arguments: ["x", "-5", "2000000", "99999999999999999999"])
    func badContentLength(value: String) {
        let bytes = SIPFixture.message(["OPTIONS sip:pbx.example SIP/2.0", "Content-Length: \(value)"])
        #expect(throws: SIPParseError.self) { try SIPStreamFramer.nextFrame(in: bytes) }
    }

    @Test func conflictingContentLengthsFailTheStream() {
        let bytes = SIPFixture.message(["OPTIONS sip:pbx.example SIP/2.0", "Content-Length: 1", "l: 2"]) + [0, 0]
        #expect(throws: SIPParseError.self) { try SIPStreamFramer.nextFrame(in: bytes) }
    }

    @Test func rawBufferOverloadAgrees() throws {
        let bytes = Self.first + Self.second
        let frame = try bytes.withUnsafeBytes { raw throws(SIPParseError) in try SIPStreamFramer.nextFrame(in: raw) }
        #expect(frame == .message(length: Self.first.count, hasContentLength: true))
    }
}
