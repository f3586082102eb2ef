import NIOCore

/// Splits Asterisk's AGI stream into lines: LF-terminated (protocols.md §3.2), a trailing CR is
/// dropped. Each line goes on as a `ByteBuffer` without its terminator.
///
/// A line longer than `maximumLength` bytes (or that many bytes without a newline) throws
/// ``AGIFramingError/lineTooLong`` before more is buffered; the session handler counts it and
/// closes. Deliberately not handled: a last line without newline at end of stream (dropped).
struct AGILineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maximumLength: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maximumLength { throw AGIFramingError.lineTooLong }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard length <= maximumLength, var line = buffer.readSlice(length: length) else {
            throw AGIFramingError.lineTooLong
        }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytesView.last == UInt8(ascii: "\r") {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Framing errors of the AGI stream.
enum AGIFramingError: Error, Hashable {
    /// A line over the configured maximum length.
    case lineTooLong
}
