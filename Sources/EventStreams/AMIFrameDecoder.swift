import NIOCore

/// What arrives from an Asterisk manager: the banner line once, then messages.
enum AMIFrame: Sendable {
    /// `Asterisk Call Manager/<version>` (not matched: it differs per release).
    case banner(String)
    /// One `Key: Value` block, ended by an empty line.
    case message(HeaderBlock)
}

/// Frames the Asterisk Manager Interface (protocols.md §2.1): the banner line, then blocks of
/// `Key: Value\r\n` lines each ended by an empty line; a bare `\n` is accepted too. A line longer
/// than ``maximumLineLength`` or a block of more than ``maximumFields`` lines is a protocol error
/// (the connection is closed and reopened). Lines without a colon (the raw output of a
/// `Response: Follows`) are skipped. Deliberately not handled: the command output of `Action:
/// Command` (never sent by Callwarden).
struct AMIFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = AMIFrame

    static let maximumLineLength = 8_192
    static let maximumFields = 512

    struct ProtocolError: Error, CustomStringConvertible {
        var description: String
    }

    private var sawBanner = false
    private var current = HeaderBlock()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let line = try buffer.readHeaderLine(
            maximumLength: Self.maximumLineLength, tooLong: ProtocolError(description: "AMI line too long"))
        guard let line else { return .needMoreData }
        if !sawBanner {
            sawBanner = true
            context.fireChannelRead(wrapInboundOut(.banner(line)))
            return .continue
        }
        if line.isEmpty {
            if !current.isEmpty {
                let message = current
                current = HeaderBlock()
                context.fireChannelRead(wrapInboundOut(.message(message)))
            }
            return .continue
        }
        guard let field = HeaderBlock.split(Substring(line)) else { return .continue }
        guard current.fields.count < Self.maximumFields else { throw ProtocolError(description: "AMI message too large") }
        current.append(key: field.key, value: field.value)
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
