package import BoundedQueues
package import CallModel
package import PacketDecoding
package import SIPDialogs
import Synchronization

/// One capture thread's own SIP path: frames or HEP payloads → ``SIPDialogs/SIPIngestPipeline``
/// (decode, parse, track dialogs) → call events in a bounded queue that ``SIPCaptureSource``
/// drains for the ingest loop. It runs on the capture thread (as that thread's ``CaptureSink``),
/// so decoding runs in parallel with the ingest loop and the loop never decodes.
///
/// Queue and drop policy: ``events`` is single-producer (this thread), single-consumer (the
/// ingest loop's drain); when it is full the newest event is dropped and counted
/// (`BoundedQueue.droppedCount`): capture never waits for the loop.
///
/// Time: capture time drives timeouts. When the thread's read times out with nothing to take
/// (``idle()``), capture time is moved on by the wall clock's progress since the last input (at
/// most once per ``idleSweepInterval``), so fragments, idle TCP flows and silent dialogs are still
/// closed when traffic stops; the capture's own clock is never compared with the local one.
///
/// Counters: the pipeline's counters are published under a lock of their own at most every
/// ``publishInterval`` while traffic flows and at every idle sweep; a metrics scrape reads the
/// published copy and never waits for the thread. No lock is taken per frame.
/// Deliberately not handled: acknowledging anything (capture cannot ask for a resend: events
/// queued but not committed when the process dies are lost), and finishing open dialogs when the
/// thread stops (a daemon that restarts picks calls up again from their next message).
package final class SIPCaptureWorker: CaptureSink, @unchecked Sendable {
    /// Call events for the ingest loop. One consumer.
    package let events: BoundedQueue<CallEvent>
    package let idleSweepInterval: Duration
    package let publishInterval: Duration
    // Touched only by the producing thread.
    private var pipeline: SIPIngestPipeline
    private var scratch: [CallEvent] = []
    /// Idle sweep and publishing are monotonic intervals (not processing time): deliberately not the injected WallClock.
    private var lastInput: ContinuousClock.Instant?
    private var lastPublished: ContinuousClock.Instant?
    private var changedSincePublished = false
    private let published = Mutex(SIPIngestCounters())

    /// - Parameters:
    ///   - eventCapacity: call events waiting for the ingest loop at most (drop newest beyond).
    package init(
        configuration: SIPIngestConfiguration, eventCapacity: Int = 65_536, idleSweepInterval: Duration = .seconds(1),
        publishInterval: Duration = .milliseconds(250)
    ) {
        self.events = BoundedQueue(capacity: eventCapacity)
        self.idleSweepInterval = idleSweepInterval
        self.publishInterval = publishInterval
        self.pipeline = SIPIngestPipeline(configuration: configuration)
    }

    /// The pipeline's counters as last published.
    package var counters: SIPIngestCounters { published.withLock { $0 } }

    package func takeFrame(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Timestamp) {
        pipeline.ingest(frame: bytes, linkType: linkType, timestamp: timestamp, into: &scratch)
        handOver()
    }

    package func takePayload(_ payload: SIPPayload) {
        pipeline.ingest(payload, into: &scratch)
        handOver()
    }

    package func idle() {
        let now = ContinuousClock.now
        if let lastInput, let captureTime = pipeline.latestCaptureTime, now - lastInput >= idleSweepInterval {
            let idle = now - lastInput
            let micros = idle.components.seconds * 1_000_000 + idle.components.attoseconds / 1_000_000_000_000
            pipeline.advance(to: captureTime + TimeSpan(microseconds: micros), into: &scratch)
            self.lastInput = now
            changedSincePublished = true
            push()
        }
        if changedSincePublished { publish(now) }
    }

    private func handOver() {
        let now = ContinuousClock.now
        lastInput = now
        changedSincePublished = true
        push()
        if let lastPublished, now - lastPublished < publishInterval { return }
        publish(now)
    }

    private func push() {
        guard !scratch.isEmpty else { return }
        for event in scratch { events.tryPush(event) }
        scratch.removeAll(keepingCapacity: true)
    }

    private func publish(_ now: ContinuousClock.Instant) {
        let snapshot = pipeline.counters
        published.withLock { $0 = snapshot }
        lastPublished = now
        changedSincePublished = false
    }
}
