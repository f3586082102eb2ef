import NIOCore

extension ByteBuffer {
    /// Reads one `\n`-terminated envelope line of a header-block protocol (AMI, ESL), without its
    /// `\n` and a `\r` before it; nil when no whole line is buffered yet.
    ///
    /// A line longer than `maximumLength` (or that many bytes buffered without a `\n`) throws
    /// `tooLong` and consumes nothing: the caller closes the connection. Deliberately not handled:
    /// line ends other than `\n` / `\r\n`, and bytes that are not UTF-8 (they are repaired).
    mutating func readHeaderLine(maximumLength: Int, tooLong: @autoclosure () -> any Error) throws -> String? {
        guard let newline = readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if readableBytes > maximumLength { throw tooLong() }
            return nil
        }
        let length = newline - readerIndex
        guard length <= maximumLength else { throw tooLong() }
        var line = readString(length: length) ?? ""
        moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }
}
