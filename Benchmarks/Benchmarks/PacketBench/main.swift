import Foundation
import PacketProbe

// packet-bench make FILE FRAMES [CAPTURES_DIR]  — writes the repeated-frames benchmark capture
// packet-bench decode FILE [RUNS]               — reads and decodes it RUNS times (best run reported)
let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: packet-bench make FILE FRAMES [CAPTURES_DIR] | decode FILE [RUNS]")
    exit(2)
}
switch arguments[1] {
case "make":
    let frames = Int(arguments.count > 3 ? arguments[3] : "") ?? 500_000
    let directory = arguments.count > 4 ? arguments[4] : "../shared/public-captures"
    let sources = ["zeek__wireshark.pcap", "heplify__sip_ipv6_udp.pcap", "heplify__sip_ipv4_tcp.pcap"].map { "\(directory)/\($0)" }
    let written = try PacketPerformanceProbe.writeRepeatedCapture(from: sources, to: arguments[2], frameCount: frames)
    print("wrote \(written) frames to \(arguments[2])")
case "decode":
    let runs = Int(arguments.count > 3 ? arguments[3] : "") ?? 3
    var best = Double.infinity
    var last: PacketPerformanceProbe.Result?
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        last = try PacketPerformanceProbe.readAndDecode(path: arguments[2])
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    if let result = last {
        print(String(format: "frames=%d sip_messages=%d malformed=%d seconds=%.4f", result.frames, result.sipMessages, result.malformed, best))
    }
default:
    print("unknown command \(arguments[1])")
    exit(2)
}
