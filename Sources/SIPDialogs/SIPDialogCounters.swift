/// What ``SIPDialogTracker`` did with the messages it was given. Every message lands in exactly
/// one of the message counters after ``messages``.
package struct SIPDialogCounters: Hashable, Sendable {
    /// Messages handed in (parsed or not).
    package var messages = 0
    /// Bytes that did not parse as a SIP message.
    package var malformed = 0
    /// Messages without a usable Call-ID, CSeq or From.
    package var missingHeaders = 0
    /// Messages of other dialogs or no dialog (REGISTER, OPTIONS, SUBSCRIBE, out-of-dialog
    /// MESSAGE …, and in-dialog messages of calls that started before the capture did).
    package var outsideCalls = 0
    /// The same message again on the same path (a UDP retransmission).
    package var retransmissions = 0
    /// The same message again on another path (the other leg of a proxy, a fork).
    package var copiesFromOtherLegs = 0
    /// Messages of a known call that changed nothing (ACK, 100 Trying, responses to BYE, late
    /// responses of an older CSeq, re-INVITEs …).
    package var inDialogWithoutEvent = 0
    /// Messages that produced a call event.
    package var producedEvent = 0

    /// Calls started (INVITEs that opened a dialog).
    package var dialogsStarted = 0
    /// Dialogs closed by a timeout.
    package var dialogsTimedOut = 0
    /// Dialogs closed early because the tracker was full.
    package var dialogsEvicted = 0

    package init() {}

    /// Adds `other`'s counts (several trackers behind one source).
    package mutating func add(_ other: Self) {
        messages += other.messages
        malformed += other.malformed
        missingHeaders += other.missingHeaders
        outsideCalls += other.outsideCalls
        retransmissions += other.retransmissions
        copiesFromOtherLegs += other.copiesFromOtherLegs
        inDialogWithoutEvent += other.inDialogWithoutEvent
        producedEvent += other.producedEvent
        dialogsStarted += other.dialogsStarted
        dialogsTimedOut += other.dialogsTimedOut
        dialogsEvicted += other.dialogsEvicted
    }
}
