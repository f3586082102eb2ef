package import CallModel

/// One incident as security staff see it: what, about whom, how serious, and where in its handling.
///
/// Deliberately not included: the calls, detections, notes and recordings (ask for the
/// ``IncidentTimeline``), and any access control (the caller of the store decides who may read).
package struct Incident: Hashable, Sendable {
    /// Store id.
    package var id: Int64
    package var key: IncidentKey
    package var severity: IncidentSeverity
    package var status: IncidentStatus
    /// Event time of the first call (detection) or the flag time (MCID).
    package var openedAt: Timestamp
    /// Event time of the latest call or change.
    package var updatedAt: Timestamp
    /// Detection episodes grouped in it.
    package var detectionCount: Int
    /// Each status reached after `open`, with who moved it there and when.
    package var transitions: [IncidentTransition]
    /// The caller withheld their number on a call of the incident (see ``maskedIdentity``).
    package var withheld = false

    package init(
        id: Int64, key: IncidentKey, severity: IncidentSeverity, status: IncidentStatus, openedAt: Timestamp,
        updatedAt: Timestamp, detectionCount: Int, transitions: [IncidentTransition] = []
    ) {
        self.id = id
        self.key = key
        self.severity = severity
        self.status = status
        self.openedAt = openedAt
        self.updatedAt = updatedAt
        self.detectionCount = detectionCount
        self.transitions = transitions
    }

    package var kind: IncidentKind { key.kind }
    package var identity: String { key.identity }
    package var target: String { key.target }

    /// The identity for a reader who is not security (a log line, an alert): `withheld` when the
    /// caller withheld their number, a number masked, `unidentified` and `hopping-cluster` as they are.
    package var maskedIdentity: String {
        withheld ? "withheld" : identity.hasPrefix("+") ? E164Number.mask(identity) : identity
    }
}

/// A move of an incident to a new status: who, when, and the note they gave.
package struct IncidentTransition: Hashable, Sendable {
    package var status: IncidentStatus
    package var actor: String
    /// Processing time of the change.
    package var time: Timestamp
    /// Why, or the police report's reference; may be empty except when closing.
    package var note: String

    package init(status: IncidentStatus, actor: String, time: Timestamp, note: String) {
        self.status = status
        self.actor = actor
        self.time = time
        self.note = note
    }
}

/// Why a change to an incident was refused.
package enum IncidentChangeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No incident has this id.
    case notFound(Int64)
    /// The incident cannot move from its status to the requested one (only forward).
    case invalidTransition(from: IncidentStatus, to: IncidentStatus)
    /// A field is empty or too long; the associated value names it.
    case invalidField(String, reason: String)

    package var description: String {
        switch self {
        case .notFound(let id): "no incident with id \(id)"
        case .invalidTransition(let from, let to):
            "an incident that is \(from.label) cannot become \(to.label) (statuses only move forward)"
        case .invalidField(let field, let reason): "\(field) \(reason)"
        }
    }

    /// The most characters a note, an actor or a reference may have.
    package static let maximumTextLength = 4_000

    /// Checks a free-text field: trimmed, at most ``maximumTextLength`` characters, optionally non-empty.
    package static func checked(_ text: String, field: String, required: Bool) throws(IncidentChangeError) -> String {
        let trimmed = text.trimmingSpaces
        if required && trimmed.isEmpty { throw .invalidField(field, reason: "must not be empty") }
        if trimmed.count > maximumTextLength {
            throw .invalidField(field, reason: "is longer than \(maximumTextLength) characters")
        }
        return trimmed
    }
}
