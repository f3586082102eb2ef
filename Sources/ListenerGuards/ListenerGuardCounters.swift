package import MetricsExposition
import Synchronization

/// What the guards of one listener refused and closed, a ``MetricsExposition/MetricsSource``:
/// `callwarden_listener_connections_refused_total{listener,reason}` (``SourceSlots/Refusal``) and
/// `callwarden_listener_connections_closed_total{listener,reason}` (``CloseReason``).
///
/// Counting is a relaxed atomic add. ``warningDue(nowSeconds:)`` says when one sampled warning is due
/// (at most one a minute per listener), so that an attack never writes one log line per event.
package final class ListenerGuardCounters: MetricsSource {
    /// Why a guard closed an open connection.
    package enum CloseReason: String, Sendable, CaseIterable {
        /// Its unsent answers passed the bound: a client that does not read them.
        case slowReader = "slow_reader"
        /// A request was not complete and answered within the request deadline of its first byte.
        case requestDeadline = "request_deadline"
        /// `AUTH` did not come within the deadline after connecting.
        case authDeadline = "auth_deadline"
        /// A line (or a HEP packet) stayed incomplete for longer than the line deadline.
        case lineDeadline = "line_deadline"
        /// Authentication failed on a listener that closes on failure (HEP over TCP).
        case authFailed = "auth_failed"
    }

    /// The listener's name in the labels (`decision.http`, `decision.agi`, `push:tcp:...`, `hep.tcp`).
    package let listener: String
    private let refusals = AtomicCounterArray(count: SourceSlots.Refusal.allCases.count)
    private let closes = AtomicCounterArray(count: CloseReason.allCases.count)
    private let lastWarningMinute = Atomic<Int>(Int.min)

    package init(listener: String) {
        self.listener = listener
    }

    package func countRefusal(_ refusal: SourceSlots.Refusal) {
        refusals.add(SourceSlots.Refusal.allCases.firstIndex(of: refusal) ?? 0)
    }

    package func countClose(_ reason: CloseReason) {
        closes.add(CloseReason.allCases.firstIndex(of: reason) ?? 0)
    }

    package func refusalCount(_ refusal: SourceSlots.Refusal) -> Int {
        refusals.value(SourceSlots.Refusal.allCases.firstIndex(of: refusal) ?? 0)
    }

    package func closeCount(_ reason: CloseReason) -> Int {
        closes.value(CloseReason.allCases.firstIndex(of: reason) ?? 0)
    }

    /// Every refusal and guard close so far.
    package var totalCount: Int {
        SourceSlots.Refusal.allCases.reduce(0) { $0 + refusalCount($1) } + CloseReason.allCases.reduce(0) { $0 + closeCount($1) }
    }

    /// True at most once per minute of `nowSeconds` (monotonic or wall seconds): the caller then
    /// logs one warning with ``summary``.
    package func warningDue(nowSeconds: Int) -> Bool {
        let minute = nowSeconds / 60
        let last = lastWarningMinute.load(ordering: .relaxed)
        guard minute != last else { return false }
        return lastWarningMinute.compareExchange(expected: last, desired: minute, ordering: .relaxed).exchanged
    }

    /// `slow_reader=1 per_source=54 ...`: the non-zero counts, for the sampled warning.
    package var summary: String {
        let refused = SourceSlots.Refusal.allCases.compactMap { reason in
            refusalCount(reason) > 0 ? "refused_\(reason.rawValue)=\(refusalCount(reason))" : nil
        }
        let closed = CloseReason.allCases.compactMap { reason in
            closeCount(reason) > 0 ? "closed_\(reason.rawValue)=\(closeCount(reason))" : nil
        }
        return (refused + closed).joined(separator: " ")
    }

    package func collectMetrics(into collector: inout MetricsCollector) {
        for reason in SourceSlots.Refusal.allCases {
            collector.counter(
                "callwarden_listener_connections_refused_total",
                help: "Connections refused at accept by a listener's guard, by reason (full, per_source).",
                labels: ["listener": listener, "reason": reason.rawValue], value: refusalCount(reason))
        }
        for reason in CloseReason.allCases {
            collector.counter(
                "callwarden_listener_connections_closed_total",
                help: "Open connections closed by a listener's guard, by reason.",
                labels: ["listener": listener, "reason": reason.rawValue], value: closeCount(reason))
        }
    }
}
