package import CallModel
import CallwardenPorts
import NIOCore
import Synchronization

/// The bounded queue between the sockets of one listener or client and the daemon's ingest loop: a
/// ``CallwardenPorts/AcknowledgedSource``.
///
/// Events wait here, oldest first, with the ``DeliveryReceipt`` of the connection they came from
/// and their line number. `drain` hands them to the loop and keeps them as in flight; `didCommit`
/// tells each receipt how far its events are committed.
///
/// Bound and drop policy: nothing is ever dropped here. The queue is bounded by its producers:
/// every connection stops reading while ``PushDefaults/window`` of its events are unsettled
/// (queued or in flight), so the queue holds at most connections × window events. Deliberately not
/// handled: persistence. Events queued or in flight when the process is killed are lost; they were
/// never acknowledged, so a push sender resends them (and the store ignores any it already has).
///
/// Deliberately not `BoundedQueues.BoundedQueue` (the daemon's one drop-newest queue): this is a
/// different concept — a queue with backpressure and per-event receipts, which must never drop and
/// must remember what is in flight until the commit, so it keeps its own (locked) state.
package final class PushedEventQueue: AcknowledgedSource {
    private struct Entry {
        var event: CallEvent
        var receipt: (any DeliveryReceipt)?
        var line: Int
    }

    private struct State {
        var waiting = CircularBuffer<Entry>(initialCapacity: 1_024)
        var inFlight = CircularBuffer<Entry>(initialCapacity: 1_024)
        /// Committed events whose acknowledgements are being handed to their connections: still
        /// unsettled, so a listener shutting down does not close a connection before its ack.
        var acknowledging = 0
    }

    package let name: String
    package let counters: StreamCounters
    private let state = Mutex(State())

    package init(name: String, counters: StreamCounters = StreamCounters()) {
        self.name = name
        self.counters = counters
    }

    /// Queues one event; `receipt` hears of its commit (nil: nobody waits for it).
    package func enqueue(_ event: CallEvent, line: Int, receipt: (any DeliveryReceipt)?) {
        state.withLock { $0.waiting.append(Entry(event: event, receipt: receipt, line: line)) }
        StreamCounters.add(counters.eventsQueued)
    }

    /// Events queued or drained and not yet committed.
    package var unsettledCount: Int {
        state.withLock { $0.waiting.count + $0.inFlight.count + $0.acknowledging }
    }

    package func drain(into events: inout [CallEvent], maximum: Int) -> Int {
        state.withLock { state in
            let count = min(maximum, state.waiting.count)
            for _ in 0..<count {
                let entry = state.waiting.removeFirst()
                events.append(entry.event)
                state.inFlight.append(entry)
            }
            return count
        }
    }

    package func didCommit(_ count: Int) {
        // Per receipt: the last line committed and how many of its events; told outside the lock.
        var settled: [ObjectIdentifier: (receipt: any DeliveryReceipt, line: Int, events: Int)] = [:]
        let taken = state.withLock { state in
            let taken = min(count, state.inFlight.count)
            state.acknowledging += taken
            for _ in 0..<taken {
                let entry = state.inFlight.removeFirst()
                guard let receipt = entry.receipt else { continue }
                let key = ObjectIdentifier(receipt)
                if let previous = settled[key] {
                    settled[key] = (receipt, max(previous.line, entry.line), previous.events + 1)
                } else {
                    settled[key] = (receipt, entry.line, 1)
                }
            }
            return taken
        }
        StreamCounters.add(counters.eventsCommitted, count)
        for (_, value) in settled { value.receipt.committed(throughLine: value.line, events: value.events) }
        // The acks are now queued on their event loops ahead of any close the listener asks for.
        state.withLock { $0.acknowledging -= taken }
    }
}
