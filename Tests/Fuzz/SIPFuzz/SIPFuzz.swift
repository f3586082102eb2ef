// libFuzzer target for the SIP readers: parser, stream framer, identity, dialog tracker.
// Built only by scripts/fuzz (CALLWARDEN_FUZZ=1, -sanitize=fuzzer, .build-fuzz).
//
// SwiftPM links an executable's entry point as `<target>_main` (`main` is defined as an alias of
// it), so libFuzzer's own `main` is never used: this entry point hands control to libFuzzer's
// driver with the test function instead.
import CallModel
import SIPDialogs
import SIPParsing

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

/// The one function a libFuzzer target calls (`Tests/Fuzz/SIPFuzz`): raw bytes through every SIP
/// reader this package has, so a fuzz target is five lines.
///
/// The input is cut at NUL bytes into a sequence of datagrams (NUL never occurs in a valid SIP
/// header, so the fuzzer learns to build multi-message dialogs from the seed corpus), and is also
/// read whole as a TCP stream. Each datagram is parsed, its identity read and resolved, and fed to
/// one dialog tracker twice (second time on another path, a second later) with timeouts ticking;
/// the stream is cut into messages by ``SIPParsing/SIPStreamFramer``. The only expected outcome is
/// not trapping; the return value (events emitted) keeps the work from being optimised away.
enum SIPFuzzEntry {
    private static let plan = NumberPlan.unitedKingdom
    private static let first = SIPEndpoint(address: .ipv4(0xC000_020A), port: 5060)
    private static let second = SIPEndpoint(address: .ipv6(0x2001_0DB8_0000_0000, 1), port: 5062)

    @discardableResult
    static func run(_ input: UnsafeRawBufferPointer) -> Int {
        let bytes = [UInt8](input)
        var produced = 0
        var tracker = SIPDialogTracker(
            configuration: SIPDialogTrackerConfiguration(plan: plan, maximumDialogs: 4))
        var events: [SIPDialogEvent] = []
        var time = Timestamp(secondsSinceEpoch: 1_700_000_000)
        for datagram in bytes.split(separator: 0, omittingEmptySubsequences: true) {
            if let message = try? SIPMessage(bytes: datagram) {
                let identity = SIPIdentityReader(plan: plan).read(message)
                let resolver = SIPCallerResolver(plan: plan, trust: .trustedSources([first.address]))
                produced += resolver.caller(identity, source: first.address).raw.utf8.count
                produced += resolver.callee(identity).key.utf8.count
                for (source, destination) in [(first, second), (second, first)] {
                    let transport = SIPTransportInfo(source: source, destination: destination, transport: .udp, time: time)
                    tracker.tick(now: time, into: &events)
                    tracker.process(message, transport: transport, into: &events)
                    time = time + .seconds(1)
                }
            } else {
                tracker.process(bytes: datagram, transport: SIPTransportInfo(source: first, destination: second, transport: .udp, time: time), into: &events)
            }
            time = time + .seconds(7)
        }
        tracker.tick(now: time + .hours(7), into: &events)
        tracker.expireAll(at: time + .hours(8), into: &events)
        produced += events.count

        var stream = bytes[...]
        while !stream.isEmpty, let frame = try? SIPStreamFramer.nextFrame(in: Array(stream)) {
            switch frame {
            case .needMoreBytes: stream = []
            case .keepAlive(let length): stream = stream.dropFirst(length)
            case .message(let length, _):
                if (try? SIPMessage(bytes: stream.prefix(length))) != nil { produced += 1 }
                stream = stream.dropFirst(length)
            }
        }
        return produced
    }
}
