import NIOCore

/// Frames netstrings (`<length>:<payload>,`), the default framing of Kamailio's evapi module
/// (`netstring_format=1`). The length is 1–9 decimal digits and at most ``maximumPayloadLength``;
/// anything else (a missing `:` or `,`, a non-digit, a longer payload) is a protocol error and the
/// connection is reopened. Deliberately not handled: evapi's `netstring_format=0` (no framing at
/// all, which cannot be split reliably).
struct NetstringDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    static let maximumPayloadLength = 65_536

    struct ProtocolError: Error, CustomStringConvertible {
        var description: String
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        var length = 0
        var digits = 0
        var index = view.startIndex
        while index < view.endIndex {
            let byte = view[index]
            if byte == UInt8(ascii: ":") { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 9 else {
                throw ProtocolError(description: "netstring length is not 1-9 digits")
            }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        guard index < view.endIndex else { return .needMoreData }
        guard digits > 0 else { throw ProtocolError(description: "netstring without a length") }
        guard length <= Self.maximumPayloadLength else { throw ProtocolError(description: "netstring longer than the limit") }
        let header = digits + 1
        guard buffer.readableBytes >= header + length + 1 else { return .needMoreData }
        guard buffer.getInteger(at: buffer.readerIndex + header + length, as: UInt8.self) == UInt8(ascii: ",") else {
            throw ProtocolError(description: "netstring not ended by a comma")
        }
        buffer.moveReaderIndex(forwardBy: header)
        guard let payload = buffer.readSlice(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(payload))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
