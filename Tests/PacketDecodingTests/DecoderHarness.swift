import CallModel
import PacketDecoding
import PacketTestSupport

/// Feeds frames to a decoder with capture times one millisecond apart (or as given).
struct DecoderHarness {
    var decoder: PacketDecoder
    var frameNumber: UInt64 = 0
    var clock = Timestamp(secondsSinceEpoch: 1_700_000_000)

    init(configuration: PacketDecoderConfiguration = .init()) {
        decoder = PacketDecoder(configuration: configuration)
    }

    var counters: PacketDecoderCounters { decoder.counters }

    /// Decodes frames in order; returns the payloads they produced.
    mutating func feed(_ frames: [[UInt8]], linkType: LinkType = .ethernet, advance: TimeSpan = .init(microseconds: 1_000)) -> [SIPPayload] {
        var output: [SIPPayload] = []
        for frame in frames {
            frameNumber += 1
            clock = clock + advance
            frame.withUnsafeBytes { bytes in
                decoder.decode(frame: bytes, linkType: linkType, timestamp: clock, frameNumber: frameNumber, into: &output)
            }
        }
        return output
    }

    mutating func feed(_ frame: [UInt8], linkType: LinkType = .ethernet) -> [SIPPayload] {
        feed([frame], linkType: linkType)
    }
}

extension SIPPayload {
    var callID: String? { SIPMessages.callID(bytes) }
}
