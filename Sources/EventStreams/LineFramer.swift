import NIOCore

/// Splits a byte stream into `\n`-terminated lines with a length limit, holding at most one line
/// (plus what the last read brought) in memory.
///
/// A line longer than ``maximumLineLength`` is not buffered: once the limit is passed without a
/// line end, its bytes are dropped as they come and the framer reports ``Next/overlong`` when its
/// `\n` finally arrives, so a 10 MB line costs no more memory than a 64 KiB one. Deliberately not
/// handled: a last record without `\n` (it stays partial: ``hasPartialRecord``) and any other line
/// end than `\n` (a `\r` before it is left for the decoder, which tolerates it).
struct LineFramer {
    enum Next<Result> {
        /// One complete line (without its `\n`) went through the closure, which returned this.
        case line(Result)
        /// A line longer than the limit ended; its content is gone.
        case overlong
        /// No complete line is buffered.
        case needMoreData
    }

    /// The longest line accepted, without `\n` (a `\r` before it may come on top).
    let maximumLineLength: Int
    private var buffer = ByteBuffer()
    /// The current line passed the limit: drop its bytes until its `\n`.
    private var discarding = false
    /// Bytes at the start of the readable region already known to hold no `\n`.
    private var scanned = 0

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    /// Bytes buffered that are not yet a complete line.
    var bufferedByteCount: Int { buffer.readableBytes }

    /// Whether the stream is in the middle of a record (bytes of an unfinished line were received).
    var hasPartialRecord: Bool { discarding || buffer.readableBytes > 0 }

    mutating func append(_ bytes: inout ByteBuffer) {
        buffer.writeBuffer(&bytes)
    }

    /// Takes the next complete line out of the buffer and runs `body` on its bytes.
    mutating func next<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Next<Result> {
        let start = scanned
        let newline = buffer.withUnsafeReadableBytes { raw -> Int? in
            guard start < raw.count else { return nil }
            return raw[start...].firstIndex(of: UInt8(ascii: "\n"))
        }
        guard let newline else {
            scanned = buffer.readableBytes
            if discarding || buffer.readableBytes > maximumLineLength + 1 {
                discarding = true
                buffer.clear()
                scanned = 0
            } else if buffer.readerIndex > 65_536 {
                buffer.discardReadBytes()
            }
            return .needMoreData
        }
        scanned = 0
        defer { buffer.moveReaderIndex(forwardBy: newline + 1) }
        if discarding || newline > maximumLineLength + 1 {
            discarding = false
            return .overlong
        }
        return .line(buffer.withUnsafeReadableBytes { raw in body(UnsafeRawBufferPointer(rebasing: raw[0..<newline])) })
    }

    /// Forgets whatever is buffered (the connection is done).
    mutating func reset() {
        buffer.clear()
        discarding = false
        scanned = 0
    }
}
