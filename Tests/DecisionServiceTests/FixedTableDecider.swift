import CallModel
@testable import DecisionService
import CallwardenPorts
import BoundedQueues
import Ingest

/// A real, deliberately simple decider for transport tests: a fixed table from the caller's
/// counted E.164 number (or `unidentified`) to a decision. Not the matcher: no prefixes, scopes
/// or expiry.
struct FixedTableDecider: CallDecider {
    var byNumber: [String: CallDecision]
    var unidentified: CallDecision?

    func decide(_ request: DecisionRequest) -> CallDecision {
        if request.caller.isUnidentified { return unidentified ?? .defaultAllow }
        guard let number = request.caller.countedNumber else { return .defaultAllow }
        return byNumber[number.description] ?? .defaultAllow
    }

    /// The table the tests use: synthetic Ofcom drama-range numbers.
    static let standard = FixedTableDecider(
        byNumber: [
            "+442079460123": CallDecision(action: .block, ruleID: 7, reason: "threatened reception, ticket 4711"),
            "+447700900111": CallDecision(action: .redirect(to: "+442079460999"), ruleID: 8, reason: "crisis line"),
            "+441134960555": CallDecision(action: .flag, ruleID: 9, reason: "trace \"quoted\" \\ back"),
        ],
        unidentified: CallDecision(action: .redirect(to: "+442079460999"), ruleID: 10, reason: "unidentified caller"))
}

/// The daemon makes the ingest loop's queue the decision transports' sink (in CallwardenApp);
/// the tests wire it the same way.
extension BoundedEventQueue: DecisionEventSink {}

/// The pieces a transport test needs, wired like the daemon wires them.
struct ScreeningFixture {
    let queue: BoundedEventQueue
    let metrics = DecisionMetrics()
    let screener: CallScreener

    init(queueCapacity: Int = 64, decider: FixedTableDecider = .standard, trust: QuestionTrustHolder = QuestionTrustHolder()) {
        queue = BoundedEventQueue(capacity: queueCapacity)
        screener = CallScreener(
            decider: decider, plan: .unitedKingdom, sink: queue, metrics: metrics, trust: trust,
            clock: { Timestamp(secondsSinceEpoch: 1_705_321_822) })
    }
}
