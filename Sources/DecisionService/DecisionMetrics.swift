package import CallModel
package import MetricsExposition
import Synchronization

/// Counters of the decision transports, a ``MetricsExposition/MetricsSource`` (`callwarden_decision_*`,
/// `callwarden_agi_sessions_total`).
///
/// Every counter is a relaxed atomic: counting takes no lock and never waits. Deliberately not
/// handled: latency histograms (measure latency from outside, with wrk; see Benchmarks/).
package final class DecisionMetrics: MetricsSource {
    /// Which transport a request came in on.
    package enum Transport: String, Sendable, CaseIterable {
        case http, agi
    }

    /// How a FastAGI session ended.
    package enum AGIOutcome: String, Sendable, CaseIterable {
        /// All variables set, connection closed by us.
        case completed
        /// A header line that is not `agi_name: value`, or a block without any `agi_` line.
        case garbage
        /// A line longer than the limit.
        case lineTooLong = "line_too_long"
        /// More header lines than the limit.
        case tooManyHeaders = "too_many_headers"
        /// Nothing received or sent within the idle timeout.
        case idleTimeout = "idle_timeout"
        /// Asterisk answered a command with something other than `200 result=1`, or `HANGUP`.
        case rejectedReply = "rejected_reply"
        /// The peer closed before the session completed.
        case peerClosed = "peer_closed"
        /// Refused because the server already had its maximum of open sessions.
        case overConnectionLimit = "over_connection_limit"
    }

    private let requests = AtomicCounterArray(count: Transport.allCases.count)
    private let badRequests = AtomicCounterArray(count: Transport.allCases.count)
    private let actions = AtomicCounterArray(count: DecisionMetrics.actionNames.count)
    private let agiOutcomes = AtomicCounterArray(count: AGIOutcome.allCases.count)
    private let eventsDropped = Atomic<Int>(0)
    private let unrecorded = AtomicCounterArray(count: AnswerOnlyReason.allCases.count)
    private let assertedIdentitiesIgnored = Atomic<Int>(0)

    private static let actionNames = ["allow", "block", "redirect", "flag"]

    package init() {}

    package func countRequest(_ transport: Transport) {
        requests.add(transport.index)
    }

    package func countBadRequest(_ transport: Transport) {
        badRequests.add(transport.index)
    }

    package func countDecision(_ action: RuleAction) {
        actions.add(Self.index(of: action))
    }

    /// A question answered but not recorded (``QuestionRecording/answerOnly(_:)``).
    package func countUnrecorded(_ reason: AnswerOnlyReason) {
        unrecorded.add(Self.index(of: reason))
    }

    /// Questions answered without being recorded, for `reason`.
    package func unrecordedCount(_ reason: AnswerOnlyReason) -> Int {
        unrecorded.value(Self.index(of: reason))
    }

    package func countDroppedEvent() {
        eventsDropped.add(1, ordering: .relaxed)
    }

    package func countIgnoredAssertedIdentity() {
        assertedIdentitiesIgnored.add(1, ordering: .relaxed)
    }

    /// Questions whose `pai` was ignored (not from a PBX allowed to assert identity).
    package var ignoredAssertedIdentityCount: Int { assertedIdentitiesIgnored.load(ordering: .relaxed) }

    package func countAGISession(_ outcome: AGIOutcome) {
        agiOutcomes.add(outcome.index)
    }

    /// Requests received on `transport` (good and bad).
    package func requestCount(_ transport: Transport) -> Int {
        requests.value(transport.index)
    }

    /// Requests on `transport` answered with an error (HTTP 400, AGI garbage).
    package func badRequestCount(_ transport: Transport) -> Int {
        badRequests.value(transport.index)
    }

    /// Decisions made with this action's kind (a redirect counts as `redirect` whatever its target).
    package func decisionCount(_ action: RuleAction) -> Int {
        actions.value(Self.index(of: action))
    }

    /// Call events the sink refused (queue full).
    package var droppedEventCount: Int { eventsDropped.load(ordering: .relaxed) }

    /// FastAGI sessions that ended with `outcome`.
    package func agiSessionCount(_ outcome: AGIOutcome) -> Int {
        agiOutcomes.value(outcome.index)
    }

    package func collectMetrics(into collector: inout MetricsCollector) {
        for transport in Transport.allCases {
            collector.counter(
                "callwarden_decision_requests_total", help: "Decision requests received, by transport.",
                labels: ["transport": transport.rawValue], value: requestCount(transport))
        }
        for transport in Transport.allCases {
            collector.counter(
                "callwarden_decision_bad_requests_total", help: "Requests refused as malformed, by transport.",
                labels: ["transport": transport.rawValue], value: badRequestCount(transport))
        }
        for (index, name) in Self.actionNames.enumerated() {
            collector.counter(
                "callwarden_decisions_total", help: "Decisions made, by action.", labels: ["action": name],
                value: actions.value(index))
        }
        for reason in AnswerOnlyReason.allCases {
            collector.counter(
                "callwarden_decision_unrecorded_total",
                help: "Questions answered but neither stored nor counted as calls, by reason (dry_run; untrusted: not from an authenticated PBX).",
                labels: ["reason": reason.rawValue], value: unrecordedCount(reason))
        }
        collector.counter(
            "callwarden_decision_events_dropped_total", help: "Call events dropped because the queue was full.",
            value: droppedEventCount)
        collector.counter(
            "callwarden_decision_asserted_identity_ignored_total",
            help: "Questions whose pai was ignored: not from a PBX allowed to assert identity.",
            value: ignoredAssertedIdentityCount)
        for outcome in AGIOutcome.allCases {
            collector.counter(
                "callwarden_agi_sessions_total", help: "FastAGI sessions, by how they ended.",
                labels: ["outcome": outcome.rawValue], value: agiSessionCount(outcome))
        }
    }

    private static func index(of reason: AnswerOnlyReason) -> Int {
        AnswerOnlyReason.allCases.firstIndex(of: reason) ?? 0
    }

    private static func index(of action: RuleAction) -> Int {
        switch action {
        case .allow: 0
        case .block: 1
        case .redirect: 2
        case .flag: 3
        }
    }
}

extension DecisionMetrics.Transport {
    fileprivate var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

extension DecisionMetrics.AGIOutcome {
    fileprivate var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
