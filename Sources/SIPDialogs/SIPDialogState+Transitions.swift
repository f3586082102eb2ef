import CallModel
import SIPParsing

/// The dialog state machine: each message or timeout mutates the state in place (the tracker
/// passes `&dialogs.values[index]`, so nothing is copied) and appends the call events it causes.
extension SIPDialogState {
    /// A request of this dialog, from either side.
    mutating func handleRequest(
        _ method: SIPMethod, cseq: UInt32, hasToTag: Bool, time: Timestamp, into events: inout [SIPDialogEvent]
    ) {
        switch (method, phase) {
        case (.invite, .awaitingRetry) where !hasToTag && cseq > inviteSequence:
            enter(.calling, at: time)
            inviteSequence = cseq
        case (.invite, .calling), (.invite, .proceeding):
            if !hasToTag { inviteSequence = Swift.max(inviteSequence, cseq) }
        case (.cancel, .calling), (.cancel, .proceeding), (.cancel, .awaitingRetry):
            cancelSeen = true
        case (.bye, .answered):
            finish(
                at: time, disposition: .answered, duration: time - started, talkTime: time - (answeredAt ?? time),
                into: &events)
        case (.bye, .calling), (.bye, .proceeding), (.bye, .awaitingRetry):
            // The caller may end an early dialog with BYE (RFC 3261 §15): it gave up, like a CANCEL.
            finish(at: time, disposition: .cancelled, duration: time - started, talkTime: Self.noTalkTime, into: &events)
        default:
            break
        }
    }

    /// A response to an INVITE of this dialog.
    mutating func handleInviteResponse(
        status: Int, cseq: UInt32, time: Timestamp, into events: inout [SIPDialogEvent]
    ) {
        guard cseq >= inviteSequence else { return }  // a late answer to an older INVITE
        guard phase == .calling || phase == .proceeding || phase == .awaitingRetry, status != 100 else { return }
        switch status {
        case 101...199:
            let wasAwaitingRetry = phase == .awaitingRetry
            if phase == .calling { enter(.proceeding, at: time) }
            if !ringingEmitted, !wasAwaitingRetry {
                ringingEmitted = true
                events.append(SIPDialogEvent(event: event(.ringing, at: time)))
            }
        case 200...299:
            enter(.answered, at: time)
            answeredAt = time
            events.append(SIPDialogEvent(event: event(.answered, at: time)))
        case _ where SIPDisposition.awaitsRetry(status):
            guard phase != .awaitingRetry else { return }
            enter(.awaitingRetry, at: time)
            lastRetryStatus = status
        default:
            finish(
                at: time, disposition: SIPDisposition.disposition(forFinalStatus: status), duration: time - started,
                talkTime: Self.noTalkTime, finalStatus: status, into: &events)
        }
    }

    /// Ends an open dialog that got no final message (a timeout, an eviction): `ended` with
    /// disposition unknown when answered, else `failed` unknown (`cancelled` after a CANCEL).
    mutating func close(at time: Timestamp, cause: SIPDialogEvent.Cause, into events: inout [SIPDialogEvent]) {
        switch phase {
        case .finished:
            return
        case .answered:
            finish(
                at: time, phase: .ended, disposition: .unknown, duration: nil, talkTime: nil, cause: cause,
                into: &events)
        case .calling, .proceeding, .awaitingRetry:
            finish(
                at: time, disposition: cancelSeen ? .cancelled : .unknown, duration: nil, talkTime: Self.noTalkTime,
                finalStatus: lastRetryStatus, cause: cause, into: &events)
        }
    }

    /// Emits the terminal event (in `phase`, by default the disposition's terminal phase) and
    /// keeps the dialog, finished, for the linger time.
    private mutating func finish(
        at time: Timestamp, phase terminalPhase: CallPhase? = nil, disposition: Disposition, duration: TimeSpan?,
        talkTime: TimeSpan?, finalStatus: Int? = nil, cause: SIPDialogEvent.Cause = .message,
        into events: inout [SIPDialogEvent]
    ) {
        events.append(
            SIPDialogEvent(
                event: event(
                    terminalPhase ?? disposition.terminalPhase, at: time, disposition: disposition, duration: duration,
                    talkTime: talkTime),
                finalStatus: finalStatus, cause: cause))
        enter(.finished, at: time)
    }

    /// The talk time of a call that was never answered.
    private static let noTalkTime = TimeSpan(microseconds: 0)

    private mutating func enter(_ newPhase: Phase, at time: Timestamp) {
        phase = newPhase
        phaseSince = time
    }
}

