package import CallModel

/// Where the decision transports hand the call event of every decision they made.
///
/// `tryPush` is called on the request path: it must not block, await, do I/O or log. It returns
/// false when the event was dropped (a bounded queue that is full); the caller counts that.
/// Deliberately not handled: delivery guarantees. A dropped decision event loses only the record
/// of the question, never the decision the PBX got.
package protocol DecisionEventSink: Sendable {
    /// Takes `event` for later storage; false when it was dropped.
    func tryPush(_ event: CallEvent) -> Bool
}
