package import CallModel
package import CallPipeline
package import CallwardenPorts
package import PacketDecoding
package import SIPDialogs

/// One capture file being replayed: libpcap's reader, one ``SIPIngest/SIPIngestPipeline`` and its
/// counters. Stepped like a CDR file: ``step(maximumFrames:processor:batch:)`` until it returns 0,
/// then ``finish(processor:batch:)``, which closes the dialogs still open at the last capture time.
///
/// Malformed input (frames, packets or SIP messages the pipeline drops as malformed) is added to
/// the batch's malformed count, so `replay` reports it like bad CDR lines. Deliberately not
/// handled: reading a file that is still being written (replay reads to the end once).
package final class CaptureFileSource {
    package let path: String
    package let format: CaptureFileFormat
    private let reader: PcapFileReader
    private var pipeline: SIPIngestPipeline
    private var scratch: [CallEvent] = []
    private var reportedMalformed: UInt64 = 0
    package private(set) var eventsRead = 0
    package private(set) var framesRead = 0

    /// Opens `path` (a pcap or pcapng file of `format`).
    package init(path: String, format: CaptureFileFormat, configuration: SIPIngestConfiguration) throws(CaptureError) {
        self.path = path
        self.format = format
        self.reader = try PcapFileReader(path: path)
        self.pipeline = SIPIngestPipeline(configuration: configuration)
    }

    /// The pipeline's counters now.
    package var counters: SIPIngestCounters { pipeline.counters }

    /// The file's link type.
    package var linkType: LinkType { reader.linkType }

    /// Reads up to `maximumFrames` frames and processes the call events they cause into `batch`.
    /// - Returns: the frames read; 0 at the end of the file.
    package func step(
        maximumFrames: Int, processor: inout CallEventProcessor, batch: inout IngestBatch
    ) throws(CaptureError) -> Int {
        var frames = 0
        let linkType = reader.linkType
        try reader.forEachFrame { bytes, timestamp, _ in
            frames += 1
            pipeline.ingest(frame: bytes, linkType: linkType, timestamp: timestamp, into: &scratch)
            return frames < maximumFrames
        }
        framesRead += frames
        hand(to: &processor, batch: &batch)
        return frames
    }

    /// The end of the file: expires the dialogs still open at the last capture time.
    package func finish(processor: inout CallEventProcessor, batch: inout IngestBatch) {
        pipeline.finish(into: &scratch)
        hand(to: &processor, batch: &batch)
    }

    /// Reads up to `maximumFrames` frames and appends the call events they cause to `events`, in
    /// order, without processing them: for a replay that runs the ``CallEventProcessor`` on another
    /// thread. Give the events to the processor in order, with ``takeMalformed()`` in their batch.
    /// - Returns: the frames read; 0 at the end of the file.
    package func read(maximumFrames: Int, into events: inout [CallEvent]) throws(CaptureError) -> Int {
        var frames = 0
        let linkType = reader.linkType
        let before = events.count
        try reader.forEachFrame { bytes, timestamp, _ in
            frames += 1
            pipeline.ingest(frame: bytes, linkType: linkType, timestamp: timestamp, into: &events)
            return frames < maximumFrames
        }
        framesRead += frames
        eventsRead += events.count - before
        return frames
    }

    /// The end of the file for ``read(maximumFrames:into:)``: appends the events of the dialogs
    /// still open, closed at the last capture time.
    package func finish(into events: inout [CallEvent]) {
        let before = events.count
        pipeline.finish(into: &events)
        eventsRead += events.count - before
    }

    /// What the pipeline dropped as malformed since the last call (or the last step).
    package func takeMalformed() -> Int {
        let malformed = pipeline.counters.malformedTotal
        guard malformed > reportedMalformed else { return 0 }
        defer { reportedMalformed = malformed }
        return Int(malformed - reportedMalformed)
    }

    private func hand(to processor: inout CallEventProcessor, batch: inout IngestBatch) {
        // At most one stored event per call event: the batch grows once, not by doubling.
        batch.events.reserveCapacity(batch.events.count + scratch.count)
        eventsRead += scratch.count
        // Each event is moved out (reversed once, then taken from the end) into the processor,
        // which moves it into the batch: no copy of its strings; the scratch keeps its capacity.
        scratch.reverse()
        while let event = scratch.popLast() { processor.process(event, into: &batch) }
        batch.malformedCount += takeMalformed()
    }
}
