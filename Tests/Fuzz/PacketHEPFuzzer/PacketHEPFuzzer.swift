// libFuzzer target for PacketFuzzing.decodeHEP. Built by scripts/fuzz-packets with -sanitize=fuzzer
// and -DFUZZING. In an ordinary build it is a corpus replayer:
// `PacketHEPFuzzer FILE...` runs each file through the same entry point once.
import FuzzTargetSupport
import PacketDecoding

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    PacketFuzzing.decodeHEP(UnsafeRawBufferPointer(start: data, count: size))
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
        FuzzTargetDriver.replayCorpus(CommandLine.arguments.dropFirst()) { PacketFuzzing.decodeHEP($0) }
    }
}
#endif
