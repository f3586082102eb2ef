package import CallModel
package import PacketDecoding
import SIPParsing

/// One source's way from captured bytes to call events: frames → ``PacketDecoding/PacketDecoder``
/// → ``PacketDecoding/SIPPayload`` → ``SIPParsing/SIPMessage`` (with its ``SIPParsing/SIPTransportInfo``)
/// → ``SIPDialogs/SIPDialogTracker`` → ``CallModel/CallEvent``.
///
/// A value with one owner, fed in capture order (frames from one capture, or HEP payloads from one
/// listener). Time is capture time: each frame or payload ticks the tracker with the newest time
/// seen; when traffic stops the owner calls ``advance(to:into:)`` (the live services add the wall
/// clock's progress since the last frame) so that fragments, idle TCP flows and silent dialogs are
/// still closed; at the end of a capture file it calls ``finish(into:)``, which expires every open
/// dialog at the last capture time.
///
/// Hot path: no I/O, no locks, no logging; scratch arrays are reused. Bad bytes are counted in
/// ``counters`` by reason and never stop the pipeline.
/// Deliberately not handled: reordering HEP payloads from several agents by their timestamps (they
/// are processed as they arrive; time only moves forward), and correlating legs whose Call-ID a
/// B2BUA changed (the tracker's limits apply).
package struct SIPIngestPipeline {
    package let configuration: SIPIngestConfiguration
    private var decoder: PacketDecoder
    private var tracker: SIPDialogTracker
    private var ownCounters = SIPIngestCounters()
    private var payloadScratch: [SIPPayload] = []
    private var dialogScratch: [SIPDialogEvent] = []
    /// The header array of the last message parsed, given to the next parse once the message is gone.
    private var headerScratch: [SIPHeaderField] = []
    private var frameNumber: UInt64 = 0
    /// The newest capture time seen (frames, payloads or ``advance(to:into:)``); nil before any.
    package private(set) var latestCaptureTime: Timestamp?

    package init(configuration: SIPIngestConfiguration) {
        self.configuration = configuration
        self.decoder = PacketDecoder(configuration: configuration.decoder)
        self.tracker = SIPDialogTracker(configuration: configuration.tracker)
    }

    /// A snapshot of every counter.
    package var counters: SIPIngestCounters {
        var snapshot = ownCounters
        snapshot.packets = decoder.counters
        snapshot.dialogs = tracker.counters
        snapshot.dialogsHeld = tracker.dialogCount
        return snapshot
    }

    // MARK: - Input

    /// Decodes one captured frame (its bytes valid during the call) and appends the call events
    /// its SIP messages cause.
    package mutating func ingest(
        frame: UnsafeRawBufferPointer, linkType: LinkType, timestamp: Timestamp, into events: inout [CallEvent]
    ) {
        frameNumber &+= 1
        payloadScratch.clearKeepingCapacity()
        decoder.decode(frame: frame, linkType: linkType, timestamp: timestamp, frameNumber: frameNumber, into: &payloadScratch)
        noteTime(timestamp)
        if payloadScratch.isEmpty { return }
        // Moved out of a local array in order (reversed once, then taken from the end): no copy of
        // a payload and no generic `removeAll`; the array comes back empty with its capacity.
        var payloads: [SIPPayload] = []
        swap(&payloads, &payloadScratch)
        payloads.reverse()
        while let payload = payloads.popLast() {
            process(payload, into: &events)
            // The message parsed from it is gone: its array is the decoder's to fill again.
            decoder.recycle(payload.bytes)
        }
        swap(&payloads, &payloadScratch)
    }

    /// Decodes one owned frame (see ``ingest(frame:linkType:timestamp:into:)``).
    package mutating func ingest(_ frame: CapturedFrame, into events: inout [CallEvent]) {
        frame.bytes.withUnsafeBytes { bytes in
            ingest(frame: bytes, linkType: frame.linkType, timestamp: frame.timestamp, into: &events)
        }
    }

    /// Processes one SIP payload that arrived without a frame (a HEP listener decoded it).
    package mutating func ingest(_ payload: SIPPayload, into events: inout [CallEvent]) {
        process(payload, into: &events)
    }

    // MARK: - Time

    /// Moves capture time on to `now` without traffic: expires incomplete fragments, idle TCP
    /// flows and dialogs whose timeout passed. A `now` earlier than the newest time seen changes
    /// nothing.
    package mutating func advance(to now: Timestamp, into events: inout [CallEvent]) {
        if let latest = latestCaptureTime, now < latest { return }
        latestCaptureTime = now
        decoder.sweep(now: now)
        tick(now, into: &events)
    }

    /// The end of a capture: closes every open dialog as timed out at the newest capture time
    /// (nothing happens when nothing was seen).
    package mutating func finish(into events: inout [CallEvent]) {
        guard let latest = latestCaptureTime else { return }
        decoder.sweep(now: latest)
        dialogScratch.clearKeepingCapacity()
        tracker.expireAll(at: latest, into: &dialogScratch)
        emit(into: &events)
    }

    // MARK: - Steps

    private mutating func process(_ payload: SIPPayload, into events: inout [CallEvent]) {
        ownCounters.payloads &+= 1
        noteTime(payload.timestamp)
        let now = latestCaptureTime ?? payload.timestamp
        dialogScratch.clearKeepingCapacity()
        tracker.tick(now: now, into: &dialogScratch)
        do {
            // A passive observer keeps a message whose body a snaplen or a truncated capture cut:
            // the headers (who called whom) are whole. Marked on the message and counted.
            var headers: [SIPHeaderField] = []
            swap(&headers, &headerScratch)
            let message = try SIPMessage(bytes: payload.bytes, truncatedBody: .keep, headerStorage: consume headers)
            if message.isBodyTruncated { ownCounters.truncatedBodies &+= 1 }
            var transport = SIPTransportInfo(payload)
            // Time only moves forward: a late HEP packet is processed at the newest time seen.
            transport.time = Swift.max(transport.time, now)
            tracker.process(message, transport: transport, into: &dialogScratch)
            // Unique again once `message` is gone (nothing the tracker keeps refers to it).
            if message.headers.capacity <= 2 * SIPMessageParser.maximumHeaderCount { headerScratch = message.headers }
        } catch {
            ownCounters.countParseDrop(error.code)
        }
        emit(into: &events)
    }

    private mutating func tick(_ now: Timestamp, into events: inout [CallEvent]) {
        dialogScratch.clearKeepingCapacity()
        tracker.tick(now: now, into: &dialogScratch)
        emit(into: &events)
    }

    private mutating func emit(into events: inout [CallEvent]) {
        guard !dialogScratch.isEmpty else { return }
        ownCounters.events &+= UInt64(dialogScratch.count)
        // Moved out (popLast, in order after a reverse), so no event's strings are retained again.
        dialogScratch.reverse()
        while let dialogEvent = dialogScratch.popLast() { events.append(dialogEvent.event) }
    }

    private mutating func noteTime(_ timestamp: Timestamp) {
        if let latest = latestCaptureTime, timestamp <= latest { return }
        latestCaptureTime = timestamp
    }
}

extension Array {
    /// Empties the array and keeps its storage; does nothing when it is already empty (the
    /// common case per frame, where `removeAll(keepingCapacity:)` would still run its generic path).
    @inline(__always)
    mutating func clearKeepingCapacity() {
        if !isEmpty { removeAll(keepingCapacity: true) }
    }
}
