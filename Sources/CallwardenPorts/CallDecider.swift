package import CallModel

/// One question the PBX asks before it connects an incoming call: who is calling whom, now.
///
/// The caller and callee are already normalised with the deployment's ``NumberPlan``; the raw
/// forms are kept for the event record. Deliberately not handled here: parsing the PBX's request
/// (HTTP query, AGI variables) — that is the transport's job.
package struct DecisionRequest: Hashable, Sendable {
    package var caller: CallerIdentity
    package var callee: CalledParty
    /// The PBX's call id (SIP Call-ID, Asterisk uniqueid), when it sent one.
    package var callID: String?
    package var time: Timestamp

    package init(caller: CallerIdentity, callee: CalledParty, callID: String?, time: Timestamp) {
        self.caller = caller
        self.callee = callee
        self.callID = callID
        self.time = time
    }
}

/// Answers ``DecisionRequest``s with a ``CallModel/CallDecision`` (in the daemon: from the currently
/// published rules). The hot path: implementations take no lock, do no I/O, never await and do not
/// allocate per decision, and may be called from any thread at once.
package protocol CallDecider: Sendable {
    func decide(_ request: DecisionRequest) -> CallDecision
}
