/// # PacketCapture
///
/// The I/O side of the SIP path: libpcap (through `CPcap`) for offline pcap/pcapng files and live
/// capture, UDP and TCP listeners for HEP, and the adapters that feed what they see into the
/// daemon's ingest loop and into `replay`:
/// - ``CaptureFileSource``: a pcap or pcapng file (format from its magic number, see
///   ``CaptureFileFormat``) through one `SIPIngestPipeline`, stepped like a CDR file.
/// - ``SIPCaptureSource``: a `PushedEventSource` that the ingest loop drains: call events that the
///   capture threads made, each on its own thread with its own decoder and dialog pipeline.
/// - ``SIPCaptureService``: the service that owns the capture threads (start, stop on shutdown)
///   and writes one sampled log line per interval about drops.
///
/// Each capture source runs on a thread of its own, never in the Swift task pool, and hands its
/// output to a `BoundedQueues.BoundedQueue` that drops the newest element (and counts it) when full: capture
/// never blocks on whatever consumes it. Decoding, parsing and dialog tracking are the pure
/// modules' (`PacketDecoding`, `SIPParsing`, `SIPDialogs`).
/// Allowed imports: core modules, `CPcap`, `Logging`, `ServiceLifecycle`, `Synchronization`, `Glibc`.
