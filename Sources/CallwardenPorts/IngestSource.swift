package import CallModel

/// A source that pushes call events at Callwarden instead of leaving them in a file: decision
/// requests from the PBX, SIP seen on the wire, event sockets. Each puts its events into a bounded
/// queue of its own (with its own drop policy and counters); the daemon's ingest loop, which owns
/// the ``CallEventProcessor``, drains them between its file steps and commits what it drained in
/// one transaction.
///
/// A source that promises delivery acknowledges to its sender in ``didCommit(_:)``: the loop calls
/// it after the events of one `drain` are committed, with their count, so the source can ack its
/// oldest unacknowledged events in order. Deliberately not handled here: events drained and not yet
/// committed when the process is killed are lost unless the sender resends what was never acked.
package protocol PushedEventSource: Sendable {
    /// A short name for logs and counters (`decision`, `sip`, `push:tcp`).
    var name: String { get }
    /// Moves up to `maximum` waiting events, oldest first, into `events` without blocking;
    /// returns how many it moved.
    func drain(into events: inout [CallEvent], maximum: Int) -> Int
    /// The `count` events handed out by the last `drain` are committed (default: nothing to do).
    func didCommit(_ count: Int)
}

extension PushedEventSource {
    package func didCommit(_ count: Int) {}
}
