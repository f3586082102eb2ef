import Synchronization

/// Counters of one listener or client, for logs and tests; updated with relaxed atomics (no lock
/// on the connection's path). Read them through ``snapshot``.
package final class StreamCounters: Sendable {
    let eventsQueued = Atomic<Int>(0)
    let eventsCommitted = Atomic<Int>(0)
    let malformedRecords = Atomic<Int>(0)
    let overlongLines = Atomic<Int>(0)
    let partialRecordsDropped = Atomic<Int>(0)
    let connectionsOpened = Atomic<Int>(0)
    let connectionsRefused = Atomic<Int>(0)
    let idleTimeouts = Atomic<Int>(0)
    let readPauses = Atomic<Int>(0)
    let reconnects = Atomic<Int>(0)
    let unmappedMessages = Atomic<Int>(0)

    package init() {}

    static func add(_ counter: borrowing Atomic<Int>, _ amount: Int = 1) {
        counter.add(amount, ordering: .relaxed)
    }

    /// The counters' values now.
    package var snapshot: StreamCountersSnapshot {
        StreamCountersSnapshot(
            eventsQueued: eventsQueued.load(ordering: .relaxed),
            eventsCommitted: eventsCommitted.load(ordering: .relaxed),
            malformedRecords: malformedRecords.load(ordering: .relaxed),
            overlongLines: overlongLines.load(ordering: .relaxed),
            partialRecordsDropped: partialRecordsDropped.load(ordering: .relaxed),
            connectionsOpened: connectionsOpened.load(ordering: .relaxed),
            connectionsRefused: connectionsRefused.load(ordering: .relaxed),
            idleTimeouts: idleTimeouts.load(ordering: .relaxed),
            readPauses: readPauses.load(ordering: .relaxed),
            reconnects: reconnects.load(ordering: .relaxed),
            unmappedMessages: unmappedMessages.load(ordering: .relaxed))
    }
}

/// The values of ``StreamCounters`` at one moment.
package struct StreamCountersSnapshot: Sendable, Hashable, CustomStringConvertible {
    /// Call events decoded and queued for the store.
    package var eventsQueued: Int
    /// Events the store committed (acknowledged to push senders).
    package var eventsCommitted: Int
    /// Records that could not be decoded (an `ERR` line for push senders).
    package var malformedRecords: Int
    /// Lines longer than the limit, rejected unread.
    package var overlongLines: Int
    /// Incomplete records lost because the connection ended in the middle of them.
    package var partialRecordsDropped: Int
    /// Connections accepted (listener) or established (client).
    package var connectionsOpened: Int
    /// Connections refused: over the connection limit, or failed authentication.
    package var connectionsRefused: Int
    /// Connections closed for being idle.
    package var idleTimeouts: Int
    /// Times reading was paused because too many events were waiting for their commit.
    package var readPauses: Int
    /// Client reconnection attempts after a lost or refused connection.
    package var reconnects: Int
    /// Client messages that are not call events (other AMI/ESL events, responses).
    package var unmappedMessages: Int

    package var description: String {
        "queued=\(eventsQueued) committed=\(eventsCommitted) malformed=\(malformedRecords) overlong=\(overlongLines) "
            + "partial=\(partialRecordsDropped) connections=\(connectionsOpened) refused=\(connectionsRefused) "
            + "idle=\(idleTimeouts) pauses=\(readPauses) reconnects=\(reconnects)"
    }
}
