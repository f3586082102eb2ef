// libFuzzer target for the frame decoder. Built by scripts/fuzz-packets with -sanitize=fuzzer
// and -DFUZZING. In an ordinary build it is a corpus replayer:
// `PacketFrameFuzzer FILE...` runs each file through the same entry point once.
import CallModel
import FuzzTargetSupport
import PacketDecoding

/// Frame input: byte 0 picks the link type; then frames, each behind a 2-byte big-endian length (a
/// length past the end takes the rest). All frames go through one decoder, one second of capture
/// time apart, so reassembly state, timeouts and sweeps are exercised; small bounds, so a short
/// input reaches every "table full" and "too large" path. Any trap, overflow or out-of-bounds
/// access is a bug.
/// - Returns: the number of SIP payloads found (so the work cannot be optimised away).
@discardableResult
func decodeFrames(_ data: UnsafeRawBufferPointer) -> Int {
    let configuration = PacketDecoderConfiguration(
        fragments: FragmentReassemblyLimits(maxDatagramsInFlight: 4, maxBytesInFlight: 16_384, timeout: .seconds(2)),
        tcp: TCPReassemblyLimits(
            maxFlows: 4, maxOutOfOrderSegmentsPerFlow: 3, maxOutOfOrderBytesPerFlow: 4_096, maxMessageBytes: 8_192,
            maxBufferedBytesTotal: 16_384, idleTimeout: .seconds(3)))
    let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .raw, .rawDLT, .ipv4, .ipv6, .null, .loop]
    guard data.count >= 1 else { return 0 }
    let linkType = linkTypes[Int(data[0]) % linkTypes.count]
    var decoder = PacketDecoder(configuration: configuration)
    var output: [SIPPayload] = []
    var offset = 1
    var frameNumber: UInt64 = 0
    while offset < data.count {
        var length = data.count - offset
        if offset + 2 <= data.count {
            length = min(Int(data[offset]) << 8 | Int(data[offset + 1]), data.count - offset - 2)
            offset += 2
        }
        frameNumber += 1
        decoder.decode(
            frame: UnsafeRawBufferPointer(rebasing: data[offset..<(offset + length)]), linkType: linkType,
            timestamp: Timestamp(secondsSinceEpoch: Int64(frameNumber)), frameNumber: frameNumber, into: &output)
        offset += length
    }
    decoder.sweep(now: Timestamp(secondsSinceEpoch: Int64(frameNumber) + 3_600))
    return output.count
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    decodeFrames(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@_cdecl("PacketFrameFuzzer_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzTargetDriver.runLibFuzzer(argc: argc, argv: argv, oneInput: fuzzOneInput)
}
#else
@main
struct PacketFrameFuzzer {
    static func main() {
        FuzzTargetDriver.replayCorpus(CommandLine.arguments.dropFirst()) { decodeFrames($0) }
    }
}
#endif
