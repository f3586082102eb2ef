import CallModel

/// What the tracker remembers about one call attempt.
struct SIPDialogState: Sendable {
    enum Phase: Sendable {
        /// INVITE sent, no provisional response yet.
        case calling
        /// 18x seen.
        case proceeding
        /// 401/407 or 3xx seen: waiting for the caller's next INVITE.
        case awaitingRetry
        case answered
        /// The call event that ends it was emitted; kept for ``SIPDialogTrackerConfiguration/finishedLinger``.
        case finished
    }

    /// Creation order, for eviction and for deterministic timeout order.
    var serial: UInt64
    /// Call-ID and the caller's tag, and their hash (the tracker's index).
    var key: SIPDialogKey
    var keyHash: UInt64
    /// The next dialog in the same hash bucket (a slot of the tracker), -1 for none.
    var nextInBucket = -1
    /// The ticket and deadline of this dialog's live entry in the tracker's deadline queue (ticket
    /// 0: none); the entry's deadline is never later than ``deadline(_:)``.
    var deadlineTicket: UInt64 = 0
    var queuedDeadline = Timestamp(microsecondsSinceEpoch: 0)
    var callID: String
    var phase: Phase
    /// When ``phase`` was entered.
    var phaseSince: Timestamp
    var lastActivity: Timestamp
    var started: Timestamp
    var answeredAt: Timestamp?
    /// The CSeq number of the newest INVITE of the attempt (responses to older ones are stale).
    var inviteSequence: UInt32
    var ringingEmitted = false
    var cancelSeen = false
    /// The last challenge or redirect status, for a timeout's event.
    var lastRetryStatus: Int?
    var caller: CallerIdentity
    var callee: CalledParty
    var history = SIPMessageHistory()

    /// When this dialog times out under `configuration`.
    func deadline(_ configuration: SIPDialogTrackerConfiguration) -> Timestamp {
        switch phase {
        case .calling: phaseSince + configuration.inviteTimeout
        case .proceeding: phaseSince + configuration.ringingTimeout
        case .awaitingRetry: phaseSince + configuration.retryTimeout
        case .answered: lastActivity + configuration.answeredTimeout
        case .finished: phaseSince + configuration.finishedLinger
        }
    }

    /// A call event of this dialog.
    func event(
        _ phase: CallPhase, at time: Timestamp, disposition: Disposition? = nil, duration: TimeSpan? = nil,
        talkTime: TimeSpan? = nil
    ) -> CallEvent {
        CallEvent(
            time: time, callID: callID, source: .sip, phase: phase, disposition: disposition, callStart: started,
            duration: duration, talkTime: talkTime, caller: caller, callee: callee)
    }
}
