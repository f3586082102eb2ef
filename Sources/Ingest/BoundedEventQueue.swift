package import BoundedQueues
package import CallModel
package import CallwardenPorts

/// The queue of call events between the sources that push events (decision transports, capture
/// threads, socket listeners) and the daemon's ingest loop: the one ``BoundedQueues/BoundedQueue``
/// (lock-free, drop newest, counted), which the loop drains as an ``CallwardenPorts/AcknowledgedSource``.
package typealias BoundedEventQueue = BoundedQueue<CallEvent>

extension BoundedQueue: IngestSource where Element == CallEvent {}
extension BoundedQueue: AcknowledgedSource where Element == CallEvent {}
