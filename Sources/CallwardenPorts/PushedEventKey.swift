package import CallModel

/// The idempotency key of a pushed event: source, call id, phase and event time (to the
/// microsecond). Two pushed events with the same key are the same event sent twice (a sender
/// resending what it never saw acknowledged), and the store keeps the first only.
///
/// Deliberately not part of the key: caller, callee and the other fields, so that a resend is
/// recognised even when a sender re-renders a record slightly differently. The price: two
/// different records of one call with the same phase and the same event time (two legs of an
/// Asterisk ring group ending in the same second, pushed as CSV) are stored once; detection still
/// counts the call once either way.
package struct PushedEventKey: Hashable, Sendable {
    package var source: EventSource
    package var callID: String
    package var phase: CallPhase
    package var time: Timestamp

    package init(_ event: CallEvent) {
        self.source = event.source
        self.callID = event.callID
        self.phase = event.phase
        self.time = event.time
    }
}
