package import CallModel
import Synchronization

/// Counters of the decision transports, rendered as Prometheus text by ``prometheusText()``.
///
/// Every counter is a relaxed atomic: counting takes no lock and never waits. Deliberately not
/// handled: latency histograms (measure latency from outside, with wrk; see Benchmarks/).
package final class DecisionMetrics: Sendable {
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

    private let requests = AtomicCounters(count: Transport.allCases.count)
    private let badRequests = AtomicCounters(count: Transport.allCases.count)
    private let actions = AtomicCounters(count: DecisionMetrics.actionNames.count)
    private let agiOutcomes = AtomicCounters(count: AGIOutcome.allCases.count)
    private let eventsDropped = Atomic<Int>(0)

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

    package func countDroppedEvent() {
        eventsDropped.add(1, ordering: .relaxed)
    }

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

    /// The counters in Prometheus text exposition format 0.0.4.
    package func prometheusText() -> String {
        var text = ""
        text += "# HELP callwarden_decision_requests_total Decision requests received, by transport.\n"
        text += "# TYPE callwarden_decision_requests_total counter\n"
        for transport in Transport.allCases {
            text += "callwarden_decision_requests_total{transport=\"\(transport.rawValue)\"} "
            text += "\(requestCount(transport))\n"
        }
        text += "# HELP callwarden_decision_bad_requests_total Requests refused as malformed, by transport.\n"
        text += "# TYPE callwarden_decision_bad_requests_total counter\n"
        for transport in Transport.allCases {
            text += "callwarden_decision_bad_requests_total{transport=\"\(transport.rawValue)\"} "
            text += "\(badRequestCount(transport))\n"
        }
        text += "# HELP callwarden_decisions_total Decisions made, by action.\n"
        text += "# TYPE callwarden_decisions_total counter\n"
        for (index, name) in Self.actionNames.enumerated() {
            text += "callwarden_decisions_total{action=\"\(name)\"} \(actions.value(index))\n"
        }
        text += "# HELP callwarden_decision_events_dropped_total Call events dropped because the queue was full.\n"
        text += "# TYPE callwarden_decision_events_dropped_total counter\n"
        text += "callwarden_decision_events_dropped_total \(droppedEventCount)\n"
        text += "# HELP callwarden_agi_sessions_total FastAGI sessions, by how they ended.\n"
        text += "# TYPE callwarden_agi_sessions_total counter\n"
        for outcome in AGIOutcome.allCases {
            text += "callwarden_agi_sessions_total{outcome=\"\(outcome.rawValue)\"} \(agiSessionCount(outcome))\n"
        }
        return text
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
