package import CallModel

/// Reading and changing incidents: what the CLI, the API and the evidence export need. The SQLite
/// store implements it; every change is one transaction with its audit entry and its alert.
package protocol IncidentStore: Sendable {
    /// Incidents, the most recently updated first; only those in `status` when given.
    func incidents(status: IncidentStatus?, limit: Int) throws -> [Incident]
    /// One incident, or nil.
    func incident(id: Int64) throws -> Incident?
    /// Everything about one incident, or nil when there is none with that id.
    func timeline(incidentID: Int64) throws -> IncidentTimeline?
    /// Moves an incident forward (open → acknowledged → reported → closed), audited and alerted.
    /// Throws ``IncidentChangeError`` for an unknown id, a backward move or an empty closing note.
    func changeStatus(incidentID: Int64, to status: IncidentStatus, actor: String, note: String, at time: Timestamp) throws -> Incident
    /// Adds a note, audited. Throws ``IncidentChangeError`` for an unknown id or an empty note.
    func addNote(incidentID: Int64, actor: String, note: String, at time: Timestamp) throws
    /// Flags a call as malicious: captures its identity, opens or joins the incident, adds the
    /// block/redirect rule asked for and raises the alert, all in one transaction.
    /// `crisisLine` is where a redirect sends the caller; a redirect without one is refused.
    func flagMaliciousCall(_ request: MCIDRequest, crisisLine: String?) throws -> MCIDOutcome
    /// Withdraws an MCID flag that named the wrong call: recorded (who, when, why) beside the flag,
    /// in its incident's log and the audit log; the flag itself stays. Returns the flag withdrawn.
    /// Throws ``IncidentChangeError`` for an unknown flag, one already withdrawn, or an empty reason.
    func withdrawFlag(_ withdrawal: MCIDWithdrawal) throws -> MCIDFlag
}

/// Thrown by an ``AlertOutbox`` that this dispatcher may no longer write: another node delivers
/// its alerts now (a lease that changed hands). The dispatcher stops rather than deliver again
/// what it can no longer mark.
package struct AlertOutboxLost: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// How far back sinks look for undelivered alerts, in every store: an alert older than this that a
/// sink never delivered (its receiver down for a week, or a sink configured later) is not sent any more.
package enum AlertOutboxHorizon {
    package static let span = TimeSpan.days(7)
}

/// The alert outbox as the sinks see it.
package protocol AlertOutbox: Sendable {
    /// Alerts `sink` has not delivered (raised within the last week of `now`), oldest first, each
    /// with its failed attempts and when the next is due; the sink delivers them in order.
    func pendingAlerts(forSink sink: String, dueAt now: Timestamp, limit: Int) throws -> [PendingAlert]
    /// How many alerts ``pendingAlerts(forSink:dueAt:limit:)`` would offer without a limit (due or not).
    func pendingAlertCount(forSink sink: String, at now: Timestamp) throws -> Int
    /// Records that `sink` delivered the alert (its receiver confirmed); it is not offered again.
    func markDelivered(alertID: Int64, sink: String, at time: Timestamp) throws
    /// Records a failed attempt and when to try again.
    func markFailed(alertID: Int64, sink: String, retryAt: Timestamp, error: String) throws
    /// The latest alert of every incident that has alerted and is not closed: what Alertmanager
    /// must keep hearing about.
    func activeAlerts() throws -> [AlertNotice]
}

/// Recordings linked to calls.
package protocol RecordingStore: Sendable {
    /// Links a recording; linking the same location again returns the stored one unchanged.
    func linkRecording(_ recording: NewRecording) throws -> RecordingEvidence
    /// Every linked recording, oldest first (at most `limit`).
    func recordings(limit: Int) throws -> [RecordingEvidence]
}
