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

/// The answer to a ``DecisionRequest``: what to do with the call and which rule said so.
package struct CallDecision: Hashable, Sendable {
    /// `allow` when no rule matched.
    package var action: RuleAction
    /// The store id of the deciding rule; nil when no rule matched (default allow).
    package var ruleID: Int64?
    /// The deciding rule's reason, or empty for the default.
    package var reason: String

    package init(action: RuleAction, ruleID: Int64?, reason: String) {
        self.action = action
        self.ruleID = ruleID
        self.reason = reason
    }

    /// No rule matched: the call goes through.
    package static let defaultAllow = CallDecision(action: .allow, ruleID: nil, reason: "")
}

/// Decides calls from the currently published rules. The hot path: implementations take no
/// lock, do no I/O, never await and do not allocate per decision, and may be called from any
/// thread at once.
package protocol CallDecider: Sendable {
    func decide(_ request: DecisionRequest) -> CallDecision
}
