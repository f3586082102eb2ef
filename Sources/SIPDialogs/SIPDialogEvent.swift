package import CallModel

/// One call event from a SIP dialog, with what caused it.
package struct SIPDialogEvent: Hashable, Sendable {
    /// Why the event was emitted.
    package enum Cause: String, Hashable, Sendable, CaseIterable {
        /// A message (INVITE, 18x, 2xx, BYE, a final failure response).
        case message
        /// The dialog went quiet for longer than its timeout (disposition `unknown`, or `cancelled`
        /// when a CANCEL had been seen).
        case timeout
        /// The tracker was full and closed its oldest dialog to make room.
        case evicted
    }

    package var event: CallEvent
    /// The final response status that ended the attempt (486, 487, 603, …), or the last challenge
    /// or redirect (401, 407, 3xx) of one that timed out; nil otherwise.
    package var finalStatus: Int?
    package var cause: Cause

    package init(event: CallEvent, finalStatus: Int? = nil, cause: Cause = .message) {
        self.event = event
        self.finalStatus = finalStatus
        self.cause = cause
    }
}
