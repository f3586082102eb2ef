package import CallModel
package import SIPParsing

/// How ``SIPDialogTracker`` reads identities and when it gives up on a dialog.
///
/// Timeouts run on capture time and are checked at most once per ``sweepInterval``, so a dialog
/// closes up to that much later than its timeout.
package struct SIPDialogTrackerConfiguration: Hashable, Sendable {
    /// Normalises every number read from SIP.
    package var plan: NumberPlan
    /// Whose P-Asserted-Identity / Remote-Party-ID / `verstat` is believed.
    package var trust: SIPTrustPolicy
    /// An INVITE with no provisional response (or a CANCEL with no 487) is given up after this
    /// long: RFC 3261 Timer B, 64·T1 = 32 s.
    package var inviteTimeout: TimeSpan
    /// A ringing call (18x seen) whose final response never comes is given up after this long.
    package var ringingTimeout: TimeSpan
    /// After a 401/407 challenge or a 3xx redirect the caller may send a new INVITE in the same
    /// call (same Call-ID and From-tag); without one the attempt fails after this long.
    package var retryTimeout: TimeSpan
    /// An answered call with no message at all for this long is taken as ended (its BYE was not
    /// seen). Session-refreshing re-INVITEs and UPDATEs keep a call alive.
    package var answeredTimeout: TimeSpan
    /// How long a finished dialog is remembered so that retransmissions and late copies of its
    /// last messages are recognised instead of starting anything new (RFC 3261 Timer D/J: 32 s).
    package var finishedLinger: TimeSpan
    /// How often, in capture time, dialogs are checked for timeouts.
    package var sweepInterval: TimeSpan
    /// The most dialogs held at once. When a new call arrives at the limit, the dialog that
    /// started earliest is closed as if it had timed out (``SIPDialogEvent/Cause/evicted``,
    /// counted in ``SIPDialogCounters/dialogsEvicted``). About 1 KiB per dialog.
    package var maximumDialogs: Int

    package init(
        plan: NumberPlan,
        trust: SIPTrustPolicy = .trustAll,
        inviteTimeout: TimeSpan = .seconds(32),
        ringingTimeout: TimeSpan = .minutes(5),
        retryTimeout: TimeSpan = .seconds(32),
        answeredTimeout: TimeSpan = .hours(6),
        finishedLinger: TimeSpan = .seconds(32),
        sweepInterval: TimeSpan = .seconds(1),
        maximumDialogs: Int = 50_000
    ) {
        self.plan = plan
        self.trust = trust
        self.inviteTimeout = inviteTimeout
        self.ringingTimeout = ringingTimeout
        self.retryTimeout = retryTimeout
        self.answeredTimeout = answeredTimeout
        self.finishedLinger = finishedLinger
        self.sweepInterval = sweepInterval
        self.maximumDialogs = Swift.max(1, maximumDialogs)
    }
}
