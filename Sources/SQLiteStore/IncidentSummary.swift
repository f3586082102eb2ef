package import CallModel

/// Where an incident is in its handling.
///
/// Only ``open`` is set by this module (a detection opens or touches an incident); the transitions
/// to the other states are a later issue's work.
package enum IncidentStatus: String, Hashable, Sendable, CaseIterable {
    /// Detected, nobody has looked at it yet.
    case open
    /// Security has seen it.
    case acknowledged
    /// Reported to the operator or the police (MCID, a complaint).
    case reported
    /// Finished; a new detection of the same kind, identity and target opens a new incident.
    case closed
}

/// One incident for the CLI: the detections of one kind, identity and target grouped while it is
/// not closed.
///
/// Deliberately not included: the detections themselves (ask ``SQLiteStore/detections(limit:)``)
/// and any notes or assignee, which the incident lifecycle will add.
package struct IncidentSummary: Hashable, Sendable {
    /// Store id.
    package var id: Int64
    /// The pattern the grouped detections are of.
    package var kind: DetectionKind
    /// The counted identity (`+447700900123`), `unidentified`, or comma-separated identities for
    /// number-hopping: the identity part of ``Detection/episodeKey``. Personal data.
    package var identity: String
    /// The extension (or number) called; `*` for the organisation.
    package var target: String
    /// Where the incident is in its handling.
    package var status: IncidentStatus
    /// Event time of the first call of the first detection.
    package var openedAt: Timestamp
    /// Event time of the last call of the latest detection update.
    package var updatedAt: Timestamp
    /// Detection episodes grouped in it.
    package var detectionCount: Int

    /// Makes a summary from its parts.
    package init(
        id: Int64, kind: DetectionKind, identity: String, target: String, status: IncidentStatus,
        openedAt: Timestamp, updatedAt: Timestamp, detectionCount: Int
    ) {
        self.id = id
        self.kind = kind
        self.identity = identity
        self.target = target
        self.status = status
        self.openedAt = openedAt
        self.updatedAt = updatedAt
        self.detectionCount = detectionCount
    }
}
