package import CallModel
import CallPipeline
import CallwardenPorts
package import MetricsExposition
import PacketCapture
import PacketDecoding
package import SIPIngest
import Synchronization

/// SIP from a live capture or from HEP listeners, as a ``CallPipeline/PushedEventSource``: the
/// daemon's ingest loop calls ``drain(into:maximum:)``, which takes what the capture threads queued,
/// runs it through this source's ``SIPIngest/SIPIngestPipeline`` and hands out the call events.
///
/// Queues and drop policy: the capture threads fill bounded queues that drop the newest element
/// when full (``SIPCaptureInput/queueDrops``); events decoded but not yet handed out wait in a
/// pending list of at most one drain's worth plus one frame's events. One drain takes at most
/// ``maximumInputsPerDrain`` frames or payloads (by default a whole queue's worth), so a flood of
/// traffic that makes no events cannot hold the ingest loop for long.
///
/// Time: capture time drives timeouts. When a drain finds nothing queued, capture time is moved
/// on by the wall clock's progress since the last input arrived (at most once per
/// ``idleSweepInterval``), so fragments, idle TCP flows and silent dialogs are still closed when
/// traffic stops; the capture's own clock is never compared with the local one.
///
/// Concurrency: the pipeline lives in a `Mutex` taken once per drain (not per event); the ingest
/// loop is its only regular user, the service reads ``counters`` once per log interval. At the end
/// of a drain that took input or moved time on, a copy of the counters is published under a lock
/// of its own, which is what a metrics scrape reads (``collectMetrics(into:)``): a scrape never
/// waits for a drain.
/// Deliberately not handled: acknowledging anything (capture cannot ask for a resend, so
/// ``didCommit(_:)`` does nothing, and events drained but not committed when the process dies are lost).
package final class SIPCaptureSource: PushedEventSource, MetricsSource {
    private struct State {
        var pipeline: SIPIngestPipeline
        var pending: [CallEvent] = []
        var pendingHead = 0
        /// When (monotonic) the last frame or payload arrived, or capture time was last moved on.
        var lastInput: ContinuousClock.Instant?
        /// The HEP queue to look at first next time (turns rotate so no listener starves another).
        var nextQueue = 0
    }

    package let name: String
    package let input: SIPCaptureInput
    package let maximumInputsPerDrain: Int
    package let idleSweepInterval: Duration
    private let state: Mutex<State>
    /// The counters as of the end of the last drain that changed them.
    private let published = Mutex(SIPIngestCounters())

    /// - Parameters:
    ///   - name: for logs and counters (`sip:capture`, `sip:hep`).
    package init(
        name: String, input: SIPCaptureInput, configuration: SIPIngestConfiguration, maximumInputsPerDrain: Int = 65_536,
        idleSweepInterval: Duration = .seconds(1)
    ) {
        self.name = name
        self.input = input
        self.maximumInputsPerDrain = max(1, maximumInputsPerDrain)
        self.idleSweepInterval = idleSweepInterval
        self.state = Mutex(State(pipeline: SIPIngestPipeline(configuration: configuration)))
    }

    /// A snapshot of the pipeline's counters.
    package var counters: SIPIngestCounters { state.withLock { $0.pipeline.counters } }

    package func drain(into events: inout [CallEvent], maximum: Int) -> Int {
        let input = self.input
        let limit = maximumInputsPerDrain
        let interval = idleSweepInterval
        return state.withLock { state in
            let clock = ContinuousClock()
            var taken = 0
            while state.pending.count - state.pendingHead < maximum, taken < limit {
                guard Self.takeOne(from: input, into: &state) else { break }
                taken += 1
            }
            let now = clock.now
            var changed = taken > 0
            if taken > 0 {
                state.lastInput = now
            } else if let lastInput = state.lastInput, let captureTime = state.pipeline.latestCaptureTime,
                now - lastInput >= interval
            {
                // Idle: capture time moves on by the wall clock's progress since the last input.
                let idle = now - lastInput
                let micros = idle.components.seconds * 1_000_000 + idle.components.attoseconds / 1_000_000_000_000
                state.pipeline.advance(to: captureTime + TimeSpan(microseconds: micros), into: &state.pending)
                state.lastInput = now
                changed = true
            }
            if changed {
                let snapshot = state.pipeline.counters
                published.withLock { $0 = snapshot }
            }
            return Self.handOut(&state, into: &events, maximum: maximum)
        }
    }

    /// The pipeline's counters as of the last drain, labelled `source` with ``name``.
    package func collectMetrics(into collector: inout MetricsCollector) {
        published.withLock { $0 }.collectMetrics(into: &collector, source: name)
    }

    private static func takeOne(from input: SIPCaptureInput, into state: inout State) -> Bool {
        switch input {
        case .frames(let queue):
            guard let frame = queue.tryPop() else { return false }
            state.pipeline.ingest(frame, into: &state.pending)
            return true
        case .payloads(let queues):
            for offset in 0..<queues.count {
                let index = (state.nextQueue + offset) % queues.count
                if let payload = queues[index].tryPop() {
                    state.pipeline.ingest(payload, into: &state.pending)
                    state.nextQueue = (index + 1) % queues.count
                    return true
                }
            }
            return false
        }
    }

    private static func handOut(_ state: inout State, into events: inout [CallEvent], maximum: Int) -> Int {
        let available = state.pending.count - state.pendingHead
        let count = min(available, max(0, maximum))
        guard count > 0 else { return 0 }
        events.append(contentsOf: state.pending[state.pendingHead..<(state.pendingHead + count)])
        state.pendingHead += count
        if state.pendingHead == state.pending.count {
            state.pending.removeAll(keepingCapacity: true)
            state.pendingHead = 0
        }
        return count
    }
}
