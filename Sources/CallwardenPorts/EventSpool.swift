package import CallModel

/// A local, durable, bounded queue of pushed call events that the store could not take: a site
/// node's own SQLite file while the shared PostgreSQL is unreachable. The ingest loop appends a
/// pushed batch's events here when the store refuses them, acknowledges them to their source
/// (so the source's own bounded queue keeps taking the PBX's events), and moves them to the store,
/// oldest first, once it answers again.
///
/// Moving is at-least-once and the store makes it exactly-once: the loop commits a chunk with
/// ``EventStore/commitPushed(_:)`` (a repeated ``PushedEventKey`` is not stored twice) and only
/// then removes it here, so a kill -9 between the two stores nothing twice and loses nothing.
///
/// Deliberately not handled: detections, rules and checkpoints. Only events are spooled; a store
/// whose batches carry more (a single node counting its own calls) keeps retrying its batch
/// instead, and a file never needs the spool (its lines wait in the file, behind its checkpoint).
package protocol EventSpool: Sendable {
    /// The most events it holds; the loop stops draining pushed sources into it when full, and
    /// their own queues then count what they drop.
    var capacity: Int { get }
    /// Events waiting.
    func spooledCount() throws -> Int
    /// Appends `events` in order, durably (committed) when it returns.
    func spool(_ events: [CallEvent]) throws
    /// Up to `limit` of the oldest events and the position to pass to ``removeSpooled(through:)``
    /// once they are stored; nil when empty.
    func oldestSpooled(limit: Int) throws -> (events: [CallEvent], through: Int64)?
    /// Forgets every event up to and including position `through`.
    func removeSpooled(through: Int64) throws
}
