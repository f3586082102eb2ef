package import CallModel

/// One alert in the outbox: written in the same transaction as the incident change that caused
/// it, drained by every configured sink, and removed from a sink's queue only once that sink
/// confirmed delivery.
///
/// ``key`` is the idempotency key (the webhook's `webhook-id`): a receiver that sees it twice (a
/// retry after a lost answer) must treat the second as a duplicate. ``identity`` is complete;
/// each sink decides whether its receivers may see it or get it masked. ``detail`` is written by
/// Callwarden and carries no phone number; people's notes never go into alerts.
package struct AlertNotice: Hashable, Sendable {
    /// Outbox row id: the order alerts were raised in.
    package var id: Int64
    package var key: String
    package var incidentID: Int64
    package var event: AlertEvent
    package var kind: IncidentKind
    package var severity: IncidentSeverity
    /// The incident's status when the alert was raised.
    package var status: IncidentStatus
    package var identity: String
    package var target: String
    /// `5 calls 14:00:00Z–14:30:00Z, action block` and the like; no numbers.
    package var detail: String
    /// When the incident opened (event time): Alertmanager's `startsAt`.
    package var startsAt: Timestamp
    /// When the incident closed, for ``AlertEvent/resolved``: Alertmanager's `endsAt`.
    package var endsAt: Timestamp?
    /// Processing time the alert was raised.
    package var createdAt: Timestamp
    /// The caller withheld their number (presentation restricted) on a call of the incident: a
    /// reader who is not security sees `withheld`, not even a masked number.
    package var withheld: Bool

    package init(
        id: Int64, key: String, incidentID: Int64, event: AlertEvent, kind: IncidentKind, severity: IncidentSeverity,
        status: IncidentStatus, identity: String, target: String, detail: String, startsAt: Timestamp,
        endsAt: Timestamp?, createdAt: Timestamp, withheld: Bool = false
    ) {
        self.withheld = withheld
        self.id = id
        self.key = key
        self.incidentID = incidentID
        self.event = event
        self.kind = kind
        self.severity = severity
        self.status = status
        self.identity = identity
        self.target = target
        self.detail = detail
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdAt = createdAt
    }

    /// Whether the alert is over (the incident closed).
    package var isResolved: Bool { event == .resolved }

    /// The identity for receivers that may not see numbers: `withheld` when the caller withheld
    /// it, a number masked, others as they are.
    package var maskedIdentity: String {
        withheld ? "withheld" : identity.hasPrefix("+") ? E164Number.mask(identity) : identity
    }
}

/// What happened to the incident that raised the alert.
package enum AlertEvent: String, Hashable, Sendable, CaseIterable, Codable {
    /// A detection opened the incident (or first reached the alerting action).
    case opened
    /// A detection's action rose (alert → block, …).
    case escalated
    /// More calls; rate-limited per incident.
    case updated
    /// A person flagged a call as malicious (MCID): always sent at once.
    case flagged
    /// Acknowledged or reported to the police.
    case statusChanged = "status-changed"
    /// The incident was closed: the alert ends.
    case resolved
}

/// An alert waiting for one sink, with how often that sink has tried it.
package struct PendingAlert: Hashable, Sendable {
    package var notice: AlertNotice
    /// Failed attempts so far for this sink.
    package var attempts: Int
    /// When the next attempt is due after a failure; nil when it has not failed.
    package var nextAttemptAt: Timestamp?

    package init(notice: AlertNotice, attempts: Int, nextAttemptAt: Timestamp? = nil) {
        self.notice = notice
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
    }
}
