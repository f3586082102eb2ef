/// # CaptureIngest
///
/// The adapter that feeds SIP seen on the wire into the daemon's ingest loop and into `replay`:
/// - ``CaptureFileSource``: a pcap or pcapng file (format from its magic number, see
///   ``CaptureFileFormat``) through one `SIPIngestPipeline`, stepped like a CDR file.
/// - ``SIPCaptureSource``: a `PushedEventSource` that the ingest loop drains; it takes frames from a
///   `LiveCapture`'s queue or SIP payloads from the HEP listeners' queues, runs them through its
///   pipeline and hands out call events. Idle, it moves capture time on by the wall clock.
/// - ``SIPCaptureService``: the service that owns the capture threads (start, stop on shutdown)
///   and writes one sampled log line per interval about drops.
///
/// Allowed imports: core modules, `PacketCapture`, `Logging`, `ServiceLifecycle`, `Synchronization`.
import CallModel
