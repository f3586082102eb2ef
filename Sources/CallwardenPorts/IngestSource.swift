package import CallModel

/// A source of call events that the daemon's ingest loop (`Ingest.IngestLoop`) reads: the one
/// source protocol, in two kinds that differ in how a commit makes their events durable.
///
/// - ``CheckpointedSource``: the source keeps its records (a CDR file on disk) and the loop
///   commits how far it has read (a ``TailCheckpoint``) in the same transaction as the events.
///   A kill -9 loses and duplicates nothing: what was not committed is read again.
/// - ``AcknowledgedSource``: the source pushes events at Callwarden (decision requests, event
///   sockets and streams, SIP seen on the wire) and keeps them in a bounded queue of its own; the
///   loop commits what it drained and tells the source (``AcknowledgedSource/didCommit(_:)``), so
///   it can acknowledge to its sender.
///
/// Both are read only from the loop's own thread, one step at a time, never concurrently.
package protocol IngestSource: Sendable {
    /// A short name for logs and counters (a file's path, `decision`, `sip:hep`, `push:tcp`).
    var name: String { get }
}

/// Records read from a ``CheckpointedSource`` in one step.
package struct CheckpointedRead: Hashable, Sendable {
    /// Records (lines) read, malformed ones included; 0 when nothing new was there.
    package var records: Int
    /// Records that could not be decoded (skipped and counted, never stored).
    package var malformed: Int
    /// The source's position moved without a record (a first start skipping a file's history):
    /// its checkpoint is committed even when `records` is 0.
    package var positionMoved: Bool

    package init(records: Int = 0, malformed: Int = 0, positionMoved: Bool = false) {
        self.records = records
        self.malformed = malformed
        self.positionMoved = positionMoved
    }
}

/// A source that keeps its own records and is resumed from a committed checkpoint: a CDR file.
///
/// Deliberately not handled here: rotation and truncation (the file adapter's concern; its
/// checkpoint carries what it needs to tell a rotated file from the same one).
package protocol CheckpointedSource: IngestSource {
    /// The key its checkpoint is stored under (a followed file's configured path).
    var checkpointKey: String { get }
    /// Continues from `checkpoint` (nil: from the start). Called once, before the first read.
    func resume(from checkpoint: TailCheckpoint?)
    /// Reads up to `maximum` records without waiting, appending the call events they hold.
    func read(into events: inout [CallEvent], maximum: Int) -> CheckpointedRead
    /// How far it has read, stamped with processing time `time`; committed with the events.
    func checkpoint(at time: Timestamp) -> TailCheckpoint
}

/// A source that pushes call events at Callwarden instead of leaving them in a file: decision
/// requests from the PBX, SIP seen on the wire, event sockets. Each puts its events into a bounded
/// queue of its own (with its own drop policy and counters); the ingest loop drains them between
/// its file steps and commits what it drained in one transaction (with ``EventStore/commitPushed(_:)``,
/// so a resent event is stored once).
///
/// A source that promises delivery acknowledges to its sender in ``didCommit(_:)``: the loop calls
/// it after the events of one `drain` are committed, with their count, so the source can ack its
/// oldest unacknowledged events in order. Deliberately not handled here: events drained and not yet
/// committed when the process is killed are lost unless the sender resends what was never acked.
package protocol AcknowledgedSource: IngestSource {
    /// Moves up to `maximum` waiting events, oldest first, into `events` without blocking;
    /// returns how many it moved.
    func drain(into events: inout [CallEvent], maximum: Int) -> Int
    /// The `count` events handed out by the last `drain` are committed (default: nothing to do).
    func didCommit(_ count: Int)
}

extension AcknowledgedSource {
    package func didCommit(_ count: Int) {}
}
