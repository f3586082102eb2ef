// libFuzzer target for the SIP readers: parser, stream framer, identity, dialog tracker.
// Built only by scripts/fuzz (CALLWARDEN_FUZZ=1, -sanitize=fuzzer, .build-fuzz).
//
// SwiftPM links an executable's entry point as `<target>_main` (`main` is defined as an alias of
// it), so libFuzzer's own `main` is never used: this entry point hands control to libFuzzer's
// driver with the test function instead.
import SIPDialogs

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSIP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    SIPFuzzEntry.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("SIPFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzSIP)
}
