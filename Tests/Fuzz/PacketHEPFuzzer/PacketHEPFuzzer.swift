// libFuzzer target for HEP, the inflater, the SIP stream framer and the start-line sniffer. Built
// by scripts/fuzz-packets with -sanitize=fuzzer and -DFUZZING. In an ordinary build it is a corpus
// replayer: `PacketHEPFuzzer FILE...` runs each file through the same entry point once.
import CallModel
import FuzzTargetSupport
import PacketDecoding
import SIPParsing

/// The bytes as one HEP packet and, when that decodes, as a SIP payload; also straight through the
/// inflater, the stream framer and the start-line sniffer. Any trap, overflow or out-of-bounds
/// access is a bug.
/// - Returns: a sum of what was found (so the work cannot be optimised away).
@discardableResult
func decodeHEP(_ data: UnsafeRawBufferPointer) -> Int {
    var found = 0
    if let packet = try? HEPDecoder.decode(data),
        let payload = try? packet.sipPayload(from: data, fallbackTimestamp: Timestamp(secondsSinceEpoch: 0))
    {
        found += payload.bytes.count
        _ = packet.authKeyMatches([1, 2, 3], in: data)
    }
    found += Inflater.inflate(data, maxOutputBytes: 65_536)?.count ?? 0
    if case .message(let length, _) = try? SIPStreamFramer.nextFrame(in: data, maximumLength: 8_192) { found += length }
    if SIPStartLine.matches(data) { found += 1 }
    return found
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    decodeHEP(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@_cdecl("PacketHEPFuzzer_main")
func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzTargetDriver.runLibFuzzer(argc: argc, argv: argv, oneInput: fuzzOneInput)
}
#else
@main
struct PacketHEPFuzzer {
    static func main() {
        FuzzTargetDriver.replayCorpus(CommandLine.arguments.dropFirst()) { decodeHEP($0) }
    }
}
#endif
