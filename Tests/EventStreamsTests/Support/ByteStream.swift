import NIOCore

/// Reads text from an async channel's inbound side up to delimiters, for the test clients and the
/// scripted servers. Returns nil at end of stream.
struct ByteStream {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var pending: [UInt8] = []
    private(set) var ended = false

    init(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) {
        self.iterator = inbound.makeAsyncIterator()
    }

    /// Everything up to (not including) `delimiter`; nil when the stream ends first.
    mutating func read(until delimiter: String) async throws -> String? {
        let marker = Array(delimiter.utf8)
        while true {
            if let range = Self.find(marker, in: pending) {
                let text = String(decoding: pending[..<range], as: UTF8.self)
                pending.removeFirst(range + marker.count)
                return text
            }
            guard let buffer = try await iterator.next() else {
                ended = true
                return nil
            }
            pending.append(contentsOf: buffer.readableBytesView)
        }
    }

    /// Exactly `count` bytes as text; nil when the stream ends first.
    mutating func read(count: Int) async throws -> String? {
        while pending.count < count {
            guard let buffer = try await iterator.next() else { return nil }
            pending.append(contentsOf: buffer.readableBytesView)
        }
        let text = String(decoding: pending[..<count], as: UTF8.self)
        pending.removeFirst(count)
        return text
    }

    /// Every remaining line until the stream ends.
    mutating func readLinesUntilEnd() async throws -> [String] {
        var lines: [String] = []
        while let line = try await read(until: "\n") { lines.append(line) }
        return lines
    }

    private static func find(_ marker: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= marker.count, !marker.isEmpty else { return nil }
        for start in 0...(bytes.count - marker.count) where bytes[start] == marker[0] {
            if bytes[start..<(start + marker.count)].elementsEqual(marker) { return start }
        }
        return nil
    }
}
