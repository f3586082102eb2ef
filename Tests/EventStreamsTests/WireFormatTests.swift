import CallModel
import NIOCore
import NIOEmbedded
import Testing

@testable import EventStreams

/// The small wire-format pieces on their own: netstrings (evapi), URL-decoded ESL values, the
/// constant-time secret comparison.
struct WireFormatTests {
    @Test func netstringsAreSplitAndBadFramingIsAnError() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(NetstringDecoder()))
        try channel.writeInbound(ByteBuffer(string: "5:hello,3:a"))
        try channel.writeInbound(ByteBuffer(string: "bc,0:,"))
        var payloads: [String] = []
        while let payload = try channel.readInbound(as: ByteBuffer.self) { payloads.append(String(buffer: payload)) }
        #expect(payloads == ["hello", "abc", ""])

        for bad in ["5:hello;", "x:abc,", "1234567890:", ":abc,", "70000:"] {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(NetstringDecoder()))
            #expect(throws: NetstringDecoder.ProtocolError.self) { try channel.writeInbound(ByteBuffer(string: bad + String(repeating: "a", count: 8))) }
        }
    }

    @Test func eslValuesArePercentDecodedWithoutTrapping() {
        #expect(ESLEventBody.percentDecoded("Jane%20Caller") == "Jane Caller")
        #expect(ESLEventBody.percentDecoded("%3Csip%3A%2B447700900499%40carrier.example%3E") == "<sip:+447700900499@carrier.example>")
        #expect(ESLEventBody.percentDecoded("100%") == "100%")
        #expect(ESLEventBody.percentDecoded("%ZZ%4") == "%ZZ%4")
        #expect(ESLEventBody.percentDecoded("%E2%82%AC") == "€")
        #expect(ESLEventBody.percentDecoded("%FF") == "\u{FFFD}")
        let block = ESLEventBody.parse("Event-Name: CHANNEL_CREATE\nCaller-Caller-ID-Name: A%20B\nno colon here\n\nbody after blank")
        #expect(block["Event-Name"] == "CHANNEL_CREATE")
        #expect(block["caller-caller-id-name"] == "A B")
        #expect(block.fields.count == 2)
    }

    @Test func secretsCompareWholly() {
        let secret = Array("s3cret".utf8)
        #expect(SecretComparison.matches(Array("s3cret".utf8), secret))
        #expect(!SecretComparison.matches(Array("s3cre".utf8), secret))
        #expect(!SecretComparison.matches(Array("s3cret!".utf8), secret))
        #expect(!SecretComparison.matches(Array("S3cret".utf8), secret))
        #expect(!SecretComparison.matches([UInt8](), secret))
    }

    @Test func backoffDoublesUpToItsCapAndResets() {
        var backoff = ReconnectBackoff(initial: .milliseconds(500), maximum: .seconds(3))
        #expect((0..<5).map { _ in backoff.take() } == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(3), .seconds(3)])
        backoff.reset()
        #expect(backoff.take() == .milliseconds(500))
    }
}
