package import CallModel

/// How a final non-2xx response to an INVITE ends a call (protocols.md §6.4; Q.850 ↔ SIP per RFC
/// 3398).
///
/// 401/407 (an authentication challenge) and 3xx (a redirect) do not end it: the caller may send a
/// new INVITE in the same call; ``SIPDialogTracker`` waits for one.
package enum SIPDisposition {
    /// Whether `status` ends the attempt (final, not 2xx, not a challenge or redirect).
    package static func endsAttempt(_ status: Int) -> Bool {
        status >= 300 && !awaitsRetry(status)
    }

    /// 3xx, 401 and 407: the call may go on with a new INVITE.
    package static func awaitsRetry(_ status: Int) -> Bool {
        (300...399).contains(status) || status == 401 || status == 407
    }

    /// The disposition of a final failure response.
    package static func disposition(forFinalStatus status: Int) -> Disposition {
        switch status {
        case 486, 600: .busy
        case 408, 480: .noAnswer
        case 403, 603: .rejected
        case 487: .cancelled
        case 503: .congestion
        default: .failed
        }
    }
}
