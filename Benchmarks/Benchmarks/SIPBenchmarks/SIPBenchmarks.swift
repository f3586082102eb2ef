import Benchmark
import SIPProbe

/// SIP speed on one core: messages parsed, parsed with the caller identity read and resolved,
/// and fed through the dialog tracker, over a synthetic workload of seven-message calls (INVITE
/// with SDP, P-Asserted-Identity, Privacy and, on every fourth call, a SHAKEN Identity header;
/// 100, 180, 200 with SDP, ACK, BYE, 200). Throughput is reported per message (scalingFactor).
/// Target (issue 3): at least 300k messages/s parsed + identity read, release build, one core.
let benchmarks: @Sendable () -> Void = {
    let calls = 20_000
    let messages = SIPPerformanceProbe.syntheticCalls(calls)
    let bytes = messages.reduce(0) { $0 + $1.count }
    precondition(SIPPerformanceProbe.parse(messages) == messages.count)

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds, maxDuration: .seconds(20), maxIterations: 20)

    let label = "\(messages.count) msgs, \(bytes / messages.count) B avg"
    Benchmark("SIP parse (\(label))") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(SIPPerformanceProbe.parse(messages))
        }
    }

    Benchmark("SIP parse + identity (\(label))") { benchmark in
        for _ in benchmark.scaledIterations {
            let result = SIPPerformanceProbe.parseAndIdentify(messages)
            precondition(result.parsed == messages.count)
            blackHole(result)
        }
    }

    Benchmark("SIP parse + dialog tracking (\(label))") { benchmark in
        for _ in benchmark.scaledIterations {
            let result = SIPPerformanceProbe.track(messages)
            precondition(result.dialogs == calls)
            blackHole(result)
        }
    }
}
