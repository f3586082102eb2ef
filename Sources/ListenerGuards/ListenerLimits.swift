package import Logging
package import NIOCore

/// The limits of one listener, as configured (`max_connections`, `max_connections_per_source`,
/// `request_timeout`, `max_pending_output`); ``connectionGuard(listener:)`` makes the shared guard.
package struct ListenerLimits: Hashable, Sendable {
    /// Connections open at once.
    package var maximumConnections: Int
    /// Connections open at once from one source address.
    package var maximumConnectionsPerSource: Int
    /// A request must be answered within this from its first byte (nil: no deadline).
    package var requestTimeout: Duration?
    /// Unsent output per connection before it is closed as a slow reader, in bytes.
    package var maximumPendingOutput: Int

    package init(
        maximumConnections: Int = 512, maximumConnectionsPerSource: Int = 256, requestTimeout: Duration? = .seconds(5),
        maximumPendingOutput: Int = 256 * 1_024
    ) {
        self.maximumConnections = max(1, maximumConnections)
        self.maximumConnectionsPerSource = max(1, min(maximumConnectionsPerSource, maximumConnections))
        self.requestTimeout = requestTimeout
        self.maximumPendingOutput = maximumPendingOutput
    }

    /// A guard for one listener named `listener` in the metrics; build it once per listener.
    package func connectionGuard(listener: String, refusalMessage: [UInt8]? = nil, logger: Logger? = nil) -> ConnectionGuard {
        var connectionGuard = ConnectionGuard(
            slots: SourceSlots(total: maximumConnections, perSource: maximumConnectionsPerSource),
            counters: ListenerGuardCounters(listener: listener), maximumPendingOutput: maximumPendingOutput,
            requestTimeout: requestTimeout.map(TimeAmount.init), refusalMessage: refusalMessage)
        connectionGuard.logger = logger
        return connectionGuard
    }
}
