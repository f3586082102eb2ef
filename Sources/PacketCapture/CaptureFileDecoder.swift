package import PacketDecoding

/// A capture file decoded in one go: every SIP payload in capture order, and the decoder's counters.
/// What `replay` and the oracle tests use.
package struct CaptureFileDecoder {
    /// The decoder, whose counters tell what was dropped and why.
    package var decoder: PacketDecoder

    package init(configuration: PacketDecoderConfiguration = .init()) {
        self.decoder = PacketDecoder(configuration: configuration)
    }

    /// Reads the whole file at `path` and returns its SIP payloads. Frames are numbered from 1.
    package mutating func decode(path: String, filter: String? = nil) throws(CaptureError) -> [SIPPayload] {
        let reader = try PcapFileReader(path: path, filter: filter)
        var payloads: [SIPPayload] = []
        var frameNumber: UInt64 = 0
        let linkType = reader.linkType
        try reader.forEachFrame { bytes, timestamp, _ in
            frameNumber += 1
            decoder.decode(frame: bytes, linkType: linkType, timestamp: timestamp, frameNumber: frameNumber, into: &payloads)
            return true
        }
        return payloads
    }
}
