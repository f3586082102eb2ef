import SIPProbe

// Best-of-N SIP messages/s on one core for the three SIPPerformanceProbe paths.
//   swift run -c release SIPThroughput [calls, default 20000] [rounds, default 15]
let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let calls = arguments.first ?? 20_000
let rounds = arguments.dropFirst().first ?? 15
let messages = SIPPerformanceProbe.syntheticCalls(calls)
let averageSize = messages.reduce(0) { $0 + $1.count } / Swift.max(messages.count, 1)
print("\(messages.count) messages (\(calls) calls), \(averageSize) bytes on average, best of \(rounds)")

func measure(_ name: String, _ body: () -> Int) {
    let clock = ContinuousClock()
    var best = Duration.seconds(1_000)
    var check = 0
    for _ in 0..<rounds {
        let start = clock.now
        check &+= body()
        best = min(best, clock.now - start)
    }
    let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
    let rate = Double(messages.count) / seconds
    let padded = name + String(repeating: " ", count: max(0, 30 - name.count))
    print("\(padded) \(Int(seconds * 1_000)) ms  \(Int(rate / 1_000))k messages/s  (\(check % 10))")
}

measure("parse") { SIPPerformanceProbe.parse(messages) }
measure("parse + identity") { SIPPerformanceProbe.parseAndIdentify(messages).identified }
measure("parse + dialog tracking") { SIPPerformanceProbe.track(messages).events }
