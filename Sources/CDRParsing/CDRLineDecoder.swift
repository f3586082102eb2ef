package import CallModel

/// Decodes lines of one format into ``CallModel/CallEvent``s, one line at a time.
///
/// A line is the bytes of one record without its `\n`; a trailing `\r` and a leading UTF-8 byte
/// order mark are tolerated. Blank lines and header lines give nil, malformed lines a
/// ``CDRLineError``; no byte sequence traps. The decoder is a value with caches (time-zone offset
/// per local hour, normalised numbers), hence `mutating`; give each thread its own.
/// Deliberately not handled: framing (finding line ends, partial lines) and files; that is the
/// ingest adapter's job.
package struct CDRLineDecoder {
    /// Lines longer than this many bytes (64 KiB, without the line end) are rejected unread.
    package static let maximumLineLength = 65_536

    /// The format every line is decoded as.
    package let format: CDRFormat
    private var context: DecodingContext

    package init(format: CDRFormat, configuration: CDRDecoderConfiguration) {
        self.format = format
        self.context = DecodingContext(configuration: configuration)
    }

    /// Decodes one line; nil when it holds nothing to emit (blank or a header).
    package mutating func decode(_ line: UnsafeRawBufferPointer) throws(CDRLineError) -> CallEvent? {
        var start = 0
        var end = line.count
        if end > 0, line[end - 1] == ASCII.carriageReturn { end -= 1 }
        guard end <= Self.maximumLineLength else { throw CDRLineError(.lineTooLong) }
        if end >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF { start = 3 }
        var blank = start
        while blank < end, ASCII.isBlank(line[blank]) { blank += 1 }
        if blank == end { return nil }

        let body = UnsafeRawBufferPointer(rebasing: line[start..<end])
        switch format {
        case .asteriskCSV: return try AsteriskCSVDecoder.decode(body, context: &context)
        case .freeswitchCSV: return try FreeSWITCHCSVDecoder.decode(body, context: &context)
        case .jsonLines: return try JSONEventDecoder.decode(body, context: &context)
        }
    }

    /// Decodes one line given as a byte array or slice (tests, callers without raw buffers);
    /// copies only when the collection has no contiguous storage.
    package mutating func decode(_ line: some Collection<UInt8>) throws(CDRLineError) -> CallEvent? {
        let result = line.withContiguousStorageIfAvailable { buffer in
            Result { () throws(CDRLineError) -> CallEvent? in try self.decode(UnsafeRawBufferPointer(buffer)) }
        }
        if let result { return try result.get() }
        return try decode(ContiguousArray(line))
    }

    /// Decodes one line given as text.
    package mutating func decode(_ line: String) throws(CDRLineError) -> CallEvent? {
        try decode(Array(line.utf8))
    }
}
