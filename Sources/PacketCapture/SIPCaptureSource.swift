import BoundedQueues
package import CallModel
import CallPipeline
import CallwardenPorts
package import MetricsExposition
package import SIPDialogs

/// SIP from a live capture or from HEP listeners, as a ``CallPipeline/PushedEventSource``: the
/// daemon's ingest loop calls ``drain(into:maximum:)``, which hands out the call events that the
/// capture threads' ``SIPCaptureWorker``s made on their own threads. The loop never decodes.
///
/// Queues and drop policy: each worker's bounded event queue drops the newest event when full
/// (``queueDrops``). A drain takes at most `maximum` events, turning from worker to worker so no
/// listener starves another; what is left waits in the queues for the next drain.
/// Deliberately not handled: acknowledging anything (capture cannot ask for a resend, so
/// ``didCommit(_:)`` does nothing, and events drained but not committed when the process dies are
/// lost).
package final class SIPCaptureSource: PushedEventSource, MetricsSource, @unchecked Sendable {
    package let name: String
    package let workers: [SIPCaptureWorker]
    /// The worker to look at first next time; touched only by the draining thread.
    private var nextWorker = 0

    /// - Parameters:
    ///   - name: for logs and counters (`sip:capture`, `sip:hep`).
    ///   - workers: one per capture thread, each that thread's ``CaptureSink``.
    package init(name: String, workers: [SIPCaptureWorker]) {
        self.name = name
        self.workers = workers
    }

    /// The workers' counters, summed, as last published.
    package var counters: SIPIngestCounters {
        var total = SIPIngestCounters()
        for worker in workers { total.add(worker.counters) }
        return total
    }

    /// Call events refused because a worker's queue was full (drop newest), since they were made.
    package var queueDrops: UInt64 { workers.reduce(0) { $0 &+ $1.events.droppedCount } }

    package func drain(into events: inout [CallEvent], maximum: Int) -> Int {
        guard !workers.isEmpty, maximum > 0 else { return 0 }
        var taken = 0
        var emptyInARow = 0
        while taken < maximum, emptyInARow < workers.count {
            let worker = workers[nextWorker]
            nextWorker = (nextWorker + 1) % workers.count
            var fromThis = 0
            while taken < maximum, fromThis < 1_024, let event = worker.events.tryPop() {
                events.append(event)
                taken += 1
                fromThis += 1
            }
            emptyInARow = fromThis == 0 ? emptyInARow + 1 : 0
        }
        return taken
    }

    /// The workers' counters (summed) labelled `source` with ``name``, and the event queues.
    package func collectMetrics(into collector: inout MetricsCollector) {
        counters.collectMetrics(into: &collector, source: name)
        collector.counter(
            "callwarden_sip_event_queue_dropped_total",
            help: "Call events dropped because the queue from the capture threads to the ingest loop was full (drop newest).",
            labels: ["source": name], value: queueDrops)
        collector.gauge(
            "callwarden_sip_event_queue_depth", help: "Call events from the capture threads waiting for the ingest loop.",
            labels: ["source": name], value: workers.reduce(0) { $0 + $1.events.count })
    }
}
