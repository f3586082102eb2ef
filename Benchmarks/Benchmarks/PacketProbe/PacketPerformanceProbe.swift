import CallModel
import PacketCapture
import PacketDecoding

/// The packet path as the packet benchmarks measure it (`PacketBenchmarks`, `packet-bench`): make a
/// large capture file, and decode one, counting frames and SIP messages. Benchmark code, kept out
/// of the production modules; it uses only their ordinary (`package`) API, so it must be compiled
/// in the same package as `CallModel`, `PacketDecoding` and `PacketCapture` (a benchmark target of
/// the main package).
package enum PacketPerformanceProbe {
    /// What one decoding run saw.
    package struct Result: Sendable {
        package let frames: Int
        package let sipMessages: Int
        package let bytes: Int
        /// Frames dropped as malformed or over a bound (not counting ordinary non-SIP traffic).
        package let malformed: Int
    }

    /// Frames read into memory, for timing decoding without file I/O.
    package struct LoadedCapture: @unchecked Sendable {
        let linkType: LinkType
        let frames: [CapturedFrame]
        package var frameCount: Int { frames.count }
    }

    /// Writes a classic pcap of `frameCount` Ethernet frames by repeating the frames of `sources`
    /// (pcap or pcapng files with Ethernet link type) in turn. Each repetition moves TCP
    /// connections to a new client port, so repeated streams are new connections rather than
    /// retransmissions, and capture times advance 10 µs per frame.
    /// - Returns: the number of frames written.
    @discardableResult
    package static func writeRepeatedCapture(from sources: [String], to path: String, frameCount: Int) throws -> Int {
        var templates: [[UInt8]] = []
        for source in sources {
            let reader = try PcapFileReader(path: source)
            guard reader.linkType == .ethernet else { continue }
            try reader.forEachFrame { bytes, _, _ in
                templates.append([UInt8](bytes))
                return true
            }
        }
        guard !templates.isEmpty else { return 0 }
        let writer = try PcapFileWriter(path: path, linkType: .ethernet)
        var timestamp = Timestamp(secondsSinceEpoch: 1_700_000_000)
        for index in 0..<frameCount {
            var frame = templates[index % templates.count]
            renumberTCPClientPort(&frame, repetition: index / templates.count)
            try writer.write(frame, timestamp: timestamp)
            timestamp = timestamp + TimeSpan(microseconds: 10)
        }
        try writer.close()
        return frameCount
    }

    /// Reads the whole capture into memory.
    package static func load(path: String) throws -> LoadedCapture {
        let reader = try PcapFileReader(path: path)
        var frames: [CapturedFrame] = []
        try reader.forEachFrame { bytes, timestamp, length in
            frames.append(CapturedFrame(linkType: reader.linkType, timestamp: timestamp, bytes: [UInt8](bytes), originalLength: length))
            return true
        }
        return LoadedCapture(linkType: reader.linkType, frames: frames)
    }

    /// Decodes frames already in memory (the decoder alone).
    package static func decode(_ capture: LoadedCapture) -> Result {
        var decoder = PacketDecoder()
        var output: [SIPPayload] = []
        output.reserveCapacity(64)
        var messages = 0
        var bytes = 0
        for (index, frame) in capture.frames.enumerated() {
            decoder.decode(frame, frameNumber: UInt64(index + 1), into: &output)
            messages += output.count
            for payload in output { bytes += payload.bytes.count }
            output.removeAll(keepingCapacity: true)
        }
        return Result(frames: capture.frames.count, sipMessages: messages, bytes: bytes, malformed: Int(decoder.counters.malformedOrOverBound))
    }

    /// Reads the file through libpcap and decodes every frame as it comes (what `replay` does).
    package static func readAndDecode(path: String) throws -> Result {
        let reader = try PcapFileReader(path: path)
        var decoder = PacketDecoder()
        var output: [SIPPayload] = []
        output.reserveCapacity(64)
        var frames = 0
        var messages = 0
        var bytes = 0
        let linkType = reader.linkType
        try reader.forEachFrame { frame, timestamp, _ in
            frames += 1
            decoder.decode(frame: frame, linkType: linkType, timestamp: timestamp, frameNumber: UInt64(frames), into: &output)
            messages += output.count
            for payload in output { bytes += payload.bytes.count }
            output.removeAll(keepingCapacity: true)
            return true
        }
        return Result(frames: frames, sipMessages: messages, bytes: bytes, malformed: Int(decoder.counters.malformedOrOverBound))
    }

    /// In an Ethernet/IPv4/TCP frame, replaces the client's port (the one that is not 5060/6060)
    /// with one derived from the repetition.
    private static func renumberTCPClientPort(_ frame: inout [UInt8], repetition: Int) {
        guard repetition > 0, frame.count >= 14 + 20 + 20, frame[12] == 0x08, frame[13] == 0x00, frame[14 + 9] == 6 else { return }
        let tcp = 14 + Int(frame[14] & 0x0f) * 4
        guard frame.count >= tcp + 4 else { return }
        let source = Int(frame[tcp]) << 8 | Int(frame[tcp + 1])
        let offset = (source == 5060 || source == 6060) ? tcp + 2 : tcp
        let port = 10_000 + repetition % 50_000
        frame[offset] = UInt8(port >> 8)
        frame[offset + 1] = UInt8(port & 0xff)
    }
}
