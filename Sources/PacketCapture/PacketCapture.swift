/// # PacketCapture
///
/// The I/O side of the packet path: libpcap (through `CPcap`) for offline pcap/pcapng files and live
/// capture, and a UDP listener for HEP. Each source runs on a thread of its own, never in the
/// Swift task pool, and hands its output to a ``BoundedQueue`` that drops the newest element (and
/// counts it) when full: capture never blocks on whatever consumes it.
///
/// Entry points: ``PcapFileReader``, ``CaptureFileDecoder``, ``LiveCapture``, ``HEPListener`` (UDP),
/// ``HEPStreamListener`` (TCP), ``PcapFileWriter``; ``PacketPerformanceProbe`` is the public facade for Benchmarks/.
/// Decoding itself lives in `PacketDecoding`.
/// Allowed imports: `CPcap`, `CallModel`, `PacketDecoding`, `Synchronization`, `Glibc`.
