package import CallModel

/// What a store knows of one incident when a change comes in, read inside the transaction the
/// change will be written in: the ``IncidentLedger`` decides from it.
package struct IncidentState: Hashable, Sendable {
    package var id: Int64
    package var key: IncidentKey
    package var severity: IncidentSeverity
    package var status: IncidentStatus
    package var openedAt: Timestamp
    package var updatedAt: Timestamp
    /// What the incident has alerted so far (for the rate limit).
    package var alerts: IncidentAlertState

    package init(
        id: Int64, key: IncidentKey, severity: IncidentSeverity, status: IncidentStatus, openedAt: Timestamp,
        updatedAt: Timestamp, alerts: IncidentAlertState = IncidentAlertState()
    ) {
        self.id = id
        self.key = key
        self.severity = severity
        self.status = status
        self.openedAt = openedAt
        self.updatedAt = updatedAt
        self.alerts = alerts
    }
}

/// The writes one change to an incident comes to, as the ``IncidentLedger`` decided them. A store
/// executes a plan in one transaction, in this order: the ``incident`` row, the detection count,
/// the ``log`` entries (each with its audit entry), the call ``links``, the alert bookkeeping, the
/// ``rule`` and the ``alert``. Every write but the incident row refers to the plan's incident (the
/// one opened, or the one changed).
///
/// Deliberately not in the plan: the store's own record of what came in (the detection episode's
/// row, the MCID flag with its captured call), which the store writes beside it with the
/// incident's id.
package struct IncidentPlan: Hashable, Sendable {
    package var incident: IncidentWrite
    /// Add one to the incident's detection count: a detection episode new to this incident.
    package var countsDetection: Bool
    /// Incident log entries to append, oldest first; each is also an audit entry `incident.<action>`.
    package var log: [IncidentLogEntry]
    /// Calls to link to the incident (a link that exists stays as it is).
    package var links: [String]
    /// When the ``links`` are made.
    package var linkedAt: Timestamp
    /// What the incident has now alerted, when this change raised a detection alert.
    package var alertState: IncidentAlertState?
    /// The rate limit held a detection alert back: count it.
    package var suppressesAlert: Bool
    /// A block or redirect rule to add (an MCID flag asked for it).
    package var rule: RuleAddition?
    /// The alert to write into the outbox.
    package var alert: AlertDraft?

    package init(
        incident: IncidentWrite, countsDetection: Bool = false, log: [IncidentLogEntry] = [], links: [String] = [],
        linkedAt: Timestamp, alertState: IncidentAlertState? = nil, suppressesAlert: Bool = false,
        rule: RuleAddition? = nil, alert: AlertDraft? = nil
    ) {
        self.incident = incident
        self.countsDetection = countsDetection
        self.log = log
        self.links = links
        self.linkedAt = linkedAt
        self.alertState = alertState
        self.suppressesAlert = suppressesAlert
        self.rule = rule
        self.alert = alert
    }

    /// Whether the plan opens a new incident.
    package var opensIncident: Bool {
        if case .open = incident { return true }
        return false
    }
}

/// What happens to the incident row.
package enum IncidentWrite: Hashable, Sendable {
    /// Open a new incident: status `open`, no detection counted yet.
    case open(NewIncident)
    /// Set the incident's status and its latest change time (the ledger computed both).
    case update(id: Int64, status: IncidentStatus, updatedAt: Timestamp)
    /// Leave the incident row as it is (a note).
    case keep(id: Int64)
}

/// An incident to open.
package struct NewIncident: Hashable, Sendable {
    package var key: IncidentKey
    package var severity: IncidentSeverity
    package var openedAt: Timestamp
    package var updatedAt: Timestamp

    package init(key: IncidentKey, severity: IncidentSeverity, openedAt: Timestamp, updatedAt: Timestamp) {
        self.key = key
        self.severity = severity
        self.openedAt = openedAt
        self.updatedAt = updatedAt
    }
}

/// A rule to add with the change, and who the audit log names for it.
package struct RuleAddition: Hashable, Sendable {
    package var rule: Rule
    package var actor: String

    package init(rule: Rule, actor: String) {
        self.rule = rule
        self.actor = actor
    }
}

/// An alert the ledger decided to raise, complete but for what the outbox gives it: its row id,
/// its idempotency key (random, unique across stores) and the processing time it was raised at.
package struct AlertDraft: Hashable, Sendable {
    package var event: AlertEvent
    package var kind: IncidentKind
    package var severity: IncidentSeverity
    /// The incident's status after the change.
    package var status: IncidentStatus
    package var identity: String
    package var target: String
    /// One of the ``AlertText`` texts: no phone number.
    package var detail: String
    /// When the incident opened.
    package var startsAt: Timestamp
    /// When the incident closed, for ``AlertEvent/resolved``.
    package var endsAt: Timestamp?

    package init(
        event: AlertEvent, kind: IncidentKind, severity: IncidentSeverity, status: IncidentStatus, identity: String,
        target: String, detail: String, startsAt: Timestamp, endsAt: Timestamp? = nil
    ) {
        self.event = event
        self.kind = kind
        self.severity = severity
        self.status = status
        self.identity = identity
        self.target = target
        self.detail = detail
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// The alert as the outbox holds it once stamped.
    package func notice(id: Int64, key: String, incidentID: Int64, createdAt: Timestamp) -> AlertNotice {
        AlertNotice(
            id: id, key: key, incidentID: incidentID, event: event, kind: kind, severity: severity, status: status,
            identity: identity, target: target, detail: detail, startsAt: startsAt, endsAt: endsAt, createdAt: createdAt)
    }
}
