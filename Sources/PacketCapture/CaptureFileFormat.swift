#if canImport(Glibc)
import Glibc
#endif

/// The capture file formats `replay` accepts, told apart by their first four bytes.
///
/// HEP captured into a pcap (UDP to the collector's port) is a pcap like any other: the packet
/// decoder finds HEPv3 on any port and HEPv1/v2 on 9060.
/// Deliberately not handled: compressed captures (`.pcap.gz`; decompress first), raw HEP byte
/// streams without a pcap around them, and Wireshark's other formats (snoop, erf).
package enum CaptureFileFormat: String, Sendable, CaseIterable {
    /// Classic pcap, microsecond timestamps, either byte order (`a1b2c3d4` / `d4c3b2a1`).
    case pcap
    /// Classic pcap with nanosecond timestamps, either byte order (`a1b23c4d` / `4d3cb2a1`).
    case pcapNanosecond = "pcap-ns"
    /// pcapng (Section Header Block type `0a0d0d0a`).
    case pcapng

    /// The format whose magic number `prefix` starts with; nil for anything else (a CDR file).
    package static func detect(prefix: some Collection<UInt8>) -> CaptureFileFormat? {
        guard prefix.count >= 4 else { return nil }
        let magic = Array(prefix.prefix(4))
        switch magic {
        case [0xA1, 0xB2, 0xC3, 0xD4], [0xD4, 0xC3, 0xB2, 0xA1]: return .pcap
        case [0xA1, 0xB2, 0x3C, 0x4D], [0x4D, 0x3C, 0xB2, 0xA1]: return .pcapNanosecond
        case [0x0A, 0x0D, 0x0D, 0x0A]: return .pcapng
        default: return nil
        }
    }

    /// The format of the file at `path` from its first four bytes; nil when it is not a capture
    /// or cannot be read (the caller then treats it as a CDR file and reports that).
    package static func detect(path: String) -> CaptureFileFormat? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: 4)
        let count = head.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count == 4 else { return nil }
        return detect(prefix: head)
    }
}
