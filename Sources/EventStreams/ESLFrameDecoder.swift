import NIOCore

/// One FreeSWITCH event-socket message: its envelope headers and, when it has a
/// `Content-Length`, that many bytes of body.
struct ESLMessage: Sendable {
    var headers: HeaderBlock
    var body: String?
}

/// Frames the FreeSWITCH event socket (protocols.md §3.3): envelope lines `Key: Value\n` up to an
/// empty line, then `Content-Length` bytes of body when that header is present. Envelope lines are
/// at most ``maximumLineLength`` bytes and bodies at most ``maximumBodyLength``; more is a protocol
/// error and the connection is reopened. Deliberately not handled: bodies that are not text
/// (never sent for the events subscribed to).
struct ESLFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ESLMessage

    static let maximumLineLength = 8_192
    static let maximumBodyLength = 1 << 20
    static let maximumFields = 256

    struct ProtocolError: Error, CustomStringConvertible {
        var description: String
    }

    private var headers = HeaderBlock()
    /// Set when the envelope is complete and the body is awaited.
    private var bodyLength: Int?

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let length = bodyLength {
            guard buffer.readableBytes >= length else { return .needMoreData }
            let body = buffer.readString(length: length) ?? ""
            emit(body: body, context: context)
            return .continue
        }
        let line = try buffer.readHeaderLine(
            maximumLength: Self.maximumLineLength, tooLong: ProtocolError(description: "ESL line too long"))
        guard let line else { return .needMoreData }
        if line.isEmpty {
            guard !headers.isEmpty else { return .continue }
            if let text = headers["Content-Length"] {
                guard let length = Int(text), length >= 0, length <= Self.maximumBodyLength else {
                    throw ProtocolError(description: "ESL Content-Length out of range")
                }
                if length > 0 {
                    bodyLength = length
                    return .continue
                }
            }
            emit(body: nil, context: context)
            return .continue
        }
        guard let field = HeaderBlock.split(Substring(line)) else { return .continue }
        guard headers.fields.count < Self.maximumFields else { throw ProtocolError(description: "ESL envelope too large") }
        headers.append(key: field.key, value: field.value)
        return .continue
    }

    private mutating func emit(body: String?, context: ChannelHandlerContext) {
        let message = ESLMessage(headers: headers, body: body)
        headers = HeaderBlock()
        bodyLength = nil
        context.fireChannelRead(wrapInboundOut(message))
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
