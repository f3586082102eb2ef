package import Incidents

/// One place alerts go. Sinks deliver what ``AlertDispatcher`` hands them and say whether the
/// receiver confirmed it.
///
/// Deliberately not handled here: retries, ordering and bookkeeping (the dispatcher's), and
/// choosing which alerts a receiver may see (configure one sink per audience).
package protocol AlertSink: Sendable {
    /// A stable name: the outbox remembers per name what was delivered (`webhook:security`).
    var name: String { get }
    /// How many alerts one ``deliver(_:)`` may take (1 for a webhook, many for Alertmanager).
    var batchSize: Int { get }
    /// How often the currently active alerts are sent again; nil: never (webhooks, the journal).
    var resendInterval: Duration? { get }
    /// Delivers alerts in the order given. Returning normally means the receiver confirmed all.
    func deliver(_ notices: [AlertNotice]) async throws(AlertDeliveryError)
    /// Sends the active alerts again (Alertmanager forgets an alert not re-sent for its
    /// `resolve_timeout`). Failures are retried at the next interval.
    func resend(_ active: [AlertNotice]) async throws(AlertDeliveryError)
}

extension AlertSink {
    package var resendInterval: Duration? { nil }
    package func resend(_ active: [AlertNotice]) async throws(AlertDeliveryError) {}
}

/// Why a delivery failed.
package enum AlertDeliveryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Worth trying again: no connection, a timeout, a 5xx, 429, or an unexpected answer.
    case retryable(String)
    /// The receiver refused this alert for good (400, 413, 422): retrying cannot help, so the
    /// alert is marked as delivered with the error, counted and logged.
    case rejected(String)

    package var description: String {
        switch self {
        case .retryable(let reason): "retryable: \(reason)"
        case .rejected(let reason): "rejected: \(reason)"
        }
    }

    /// The error an HTTP status means; nil for a 2xx.
    package static func forHTTPStatus(_ code: UInt, receiver: String) -> AlertDeliveryError? {
        switch code {
        case 200..<300: nil
        case 400, 413, 422: .rejected("\(receiver) answered \(code)")
        default: .retryable("\(receiver) answered \(code)")
        }
    }
}
