/// Told when events it queued have been committed to the store, in the order they were queued.
///
/// A push connection answers `OK <line>` here; a client connection (AMI, ESL, evapi) only lets its
/// reader go on. Called from the ingest loop's thread: implementations hop to their own event loop.
package protocol DeliveryReceipt: AnyObject, Sendable {
    /// Every event this receipt queued up to and including the one from `line` is committed;
    /// `events` of them were committed by this call.
    func committed(throughLine line: Int, events: Int)
}
