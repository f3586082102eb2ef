package import CallModel

/// A person moves an incident to a new status: checked before anything is read.
package struct StatusChange: Hashable, Sendable {
    package var incidentID: Int64
    package var status: IncidentStatus
    /// Trimmed, not empty.
    package var actor: String
    /// Trimmed; not empty when closing.
    package var note: String
    /// Processing time of the change.
    package var time: Timestamp

    /// - Throws: ``IncidentChangeError/invalidField(_:reason:)`` for an empty or too long actor
    ///   (`by`), a too long note, or closing without a note.
    package init(
        incidentID: Int64, to status: IncidentStatus, actor: String, note: String, at time: Timestamp
    ) throws(IncidentChangeError) {
        self.incidentID = incidentID
        self.status = status
        self.actor = try IncidentChangeError.checked(actor, field: "by", required: true)
        self.note = try IncidentChangeError.checked(note, field: "note", required: status == .closed)
        self.time = time
    }
}

/// A person adds a note to an incident: checked before anything is read.
package struct IncidentNote: Hashable, Sendable {
    package var incidentID: Int64
    /// Trimmed, not empty.
    package var actor: String
    /// Trimmed, not empty.
    package var note: String
    package var time: Timestamp

    /// - Throws: ``IncidentChangeError/invalidField(_:reason:)`` for an empty or too long actor or note.
    package init(incidentID: Int64, actor: String, note: String, at time: Timestamp) throws(IncidentChangeError) {
        self.incidentID = incidentID
        self.actor = try IncidentChangeError.checked(actor, field: "by", required: true)
        self.note = try IncidentChangeError.checked(note, field: "note", required: true)
        self.time = time
    }
}

/// Which call an MCID flag is about once the store looked for it, and so which incident it goes to.
package struct FlaggedCall: Hashable, Sendable {
    /// The stored call's id; for a last call that was not found, `unknown:<extension>@<flag time µs>`.
    package var callID: String
    /// The call's latest stored event; nil when the call is not (yet) in the store.
    package var event: CallEvent?
    /// The called party's key; for a call that was not found, the extension asked for or `*`.
    package var target: String
    /// The incident the flag opens or joins.
    package var key: IncidentKey

    /// The flagged call of `request`, given the stored event the store found for it (or nil).
    package init(_ request: MCIDRequest, event: CallEvent?) {
        switch (request.call, event) {
        case (_, let event?):
            callID = event.callID
            target = event.callee.key
        case (.callID(let id), nil):
            callID = id
            target = "*"
        case (.lastCall(let callee, _), nil):
            callID = "unknown:" + callee + "@" + String(request.time.microsecondsSinceEpoch)
            target = callee
        }
        self.event = event
        key = IncidentKey(kind: request.kind, caller: event?.caller, target: target)
    }
}
