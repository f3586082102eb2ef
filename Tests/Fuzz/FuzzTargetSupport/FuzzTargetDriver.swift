// What every libFuzzer target in Tests/Fuzz does besides calling its own entry point: start
// libFuzzer's driver in a fuzzing build (-DFUZZING), replay corpus files in an ordinary one.
import Glibc

/// The driver shared by the libFuzzer targets (PacketFrameFuzzer, PacketHEPFuzzer).
///
/// Each target still defines its own `LLVMFuzzerTestOneInput` and `<Target>_main` symbols, since
/// those names are per executable. Deliberately not handled: libFuzzer options (they pass through
/// argv untouched), corpus directories in replay mode (only plain files are read).
package enum FuzzTargetDriver {
    /// libFuzzer's per-input callback: the bytes of one input, returning 0.
    package typealias OneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    #if FUZZING
    /// Runs libFuzzer's driver over `oneInput`. SwiftPM points `main` at `<Target>_main`, so
    /// libFuzzer's own `main` never runs: each target calls this from its `<Target>_main`.
    package static func runLibFuzzer(
        argc: Int32,
        argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
        oneInput: OneInput
    ) -> Int32 {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments, oneInput)
    }
    #endif

    /// Reads each file in `paths` and runs its bytes once through `decode`, printing the file's
    /// size and what `decode` found. Exits with status 1 on the first file it cannot open.
    package static func replayCorpus(
        _ paths: some Sequence<String>,
        through decode: (UnsafeRawBufferPointer) -> Int
    ) {
        for path in paths {
            guard let file = fopen(path, "rb") else {
                print("cannot open \(path)")
                exit(1)
            }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = fread(&chunk, 1, chunk.count, file)
                if count <= 0 { break }
                bytes.append(contentsOf: chunk[0..<count])
            }
            fclose(file)
            let found = bytes.withUnsafeBytes { decode($0) }
            print("\(path): \(bytes.count) bytes, \(found)")
        }
    }
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzTargetDriver.OneInput
) -> Int32
#endif
