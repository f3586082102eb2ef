package import CallModel

/// What a transport answers the PBX with: the decision, and the call id it was recorded under.
package struct DecisionOutcome: Hashable, Sendable {
    package var decision: CallDecision
    /// The PBX's call id, or the synthetic one the event was recorded under when it sent none
    /// (empty for a question answered only, which is recorded under nothing).
    package var callID: String
    /// False when the question was answered only, or the event sink was full and the call event
    /// was dropped (both already counted).
    package var eventRecorded: Bool

    package init(decision: CallDecision, callID: String, eventRecorded: Bool) {
        self.decision = decision
        self.callID = callID
        self.eventRecorded = eventRecorded
    }
}
