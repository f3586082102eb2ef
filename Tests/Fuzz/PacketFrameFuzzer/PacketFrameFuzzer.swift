// libFuzzer target for PacketFuzzing.decodeFrames. Built by scripts/fuzz-packets with -sanitize=fuzzer
// and -DFUZZING. In an ordinary build it is a corpus replayer:
// `PacketFrameFuzzer FILE...` runs each file through the same entry point once.
import FuzzTargetSupport
import PacketDecoding

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    PacketFuzzing.decodeFrames(UnsafeRawBufferPointer(start: data, count: size))
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
        FuzzTargetDriver.replayCorpus(CommandLine.arguments.dropFirst()) { PacketFuzzing.decodeFrames($0) }
    }
}
#endif
