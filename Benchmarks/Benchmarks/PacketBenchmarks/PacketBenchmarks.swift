import Benchmark
import Foundation
import PacketProbe

/// Packet decoding speed: frames/s and SIP messages/s from a large pcap made at bench time by
/// repeating the public captures' Ethernet frames (`CALLWARDEN_BENCH_PCAP`, default
/// /tmp/callwarden-bench/packets.pcap; made when missing). `Benchmarks/run-packets.sh` times the
/// same file with tshark beside it.
let benchmarks: @Sendable () -> Void = {
    let environment = ProcessInfo.processInfo.environment
    let path = environment["CALLWARDEN_BENCH_PCAP"] ?? "/tmp/callwarden-bench/packets.pcap"
    let frameCount = Int(environment["CALLWARDEN_BENCH_FRAMES"] ?? "") ?? 500_000
    let captures = environment["CALLWARDEN_PUBLIC_CAPTURES"] ?? "../shared/public-captures"
    if !FileManager.default.fileExists(atPath: path) {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            try PacketPerformanceProbe.writeRepeatedCapture(
                from: ["zeek__wireshark.pcap", "heplify__sip_ipv6_udp.pcap", "heplify__sip_ipv4_tcp.pcap"].map { "\(captures)/\($0)" },
                to: path, frameCount: frameCount)
        } catch {
            fatalError("cannot make \(path): \(error)")
        }
    }
    let capture: PacketPerformanceProbe.LoadedCapture
    do {
        capture = try PacketPerformanceProbe.load(path: path)
    } catch {
        fatalError("cannot read \(path): \(error)")
    }

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(60), maxIterations: 10)

    Benchmark("Decode frames in memory (\(capture.frameCount) frames)", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            let result = PacketPerformanceProbe.decode(capture)
            precondition(result.sipMessages > 0)
            blackHole(result)
        }
    }

    Benchmark("Read with libpcap and decode (\(capture.frameCount) frames)", configuration: .init(maxIterations: 5)) { benchmark in
        for _ in benchmark.scaledIterations {
            let result = try PacketPerformanceProbe.readAndDecode(path: path)
            precondition(result.sipMessages > 0)
            blackHole(result)
        }
    }
}
