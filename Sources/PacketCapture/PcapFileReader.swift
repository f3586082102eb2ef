import CPcap
import Glibc
package import CallModel
package import PacketDecoding

/// Reads a pcap or pcapng file through libpcap (`pcap_open_offline_with_tstamp_precision`, at
/// microsecond precision: nanosecond files are rescaled). libpcap opens every file (so the link
/// type and open errors are its own); the frames of a plain classic pcap file without a filter are
/// then read by ``PcapRecordReader`` in large blocks instead, with the same frames, times and
/// errors, at a fraction of `pcap_next_ex`'s per-frame cost.
///
/// One owner, one thread at a time. Deliberately not handled: pcapng files whose interfaces have
/// different link types (libpcap refuses them; convert with `editcap` or `tshark -F pcap`), and
/// reading from stdin.
package final class PcapFileReader {
    private let handle: OpaquePointer
    /// The block reader of a plain classic pcap file read without a filter; nil: libpcap reads.
    private let records: PcapRecordReader?
    package let path: String
    package let linkType: LinkType

    /// Opens `path`; applies the BPF `filter` to every frame when given.
    package init(path: String, filter: String? = nil) throws(CaptureError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let handle = pcap_open_offline_with_tstamp_precision(path, UInt32(PCAP_TSTAMP_PRECISION_MICRO), &errorBuffer)
        else {
            throw .fileOpenFailed(path: path, message: PcapHandle.text(of: errorBuffer))
        }
        self.handle = handle
        self.records = filter == nil ? PcapRecordReader(path: path) : nil
        self.path = path
        self.linkType = LinkType(rawValue: UInt32(bitPattern: pcap_datalink(handle)))
        // Every stored property is set: a throw from here on runs deinit, which closes the handle.
        if let filter { try PcapHandle.setFilter(filter, on: handle) }
    }

    deinit {
        pcap_close(handle)
    }

    /// Calls `body` with each frame in file order: its bytes (valid only during the call), capture
    /// time and length on the wire. Stops early when `body` returns false.
    package func forEachFrame(
        _ body: (_ bytes: UnsafeRawBufferPointer, _ timestamp: Timestamp, _ originalLength: Int) -> Bool
    ) throws(CaptureError) {
        if let records {
            try records.forEachFrame(body)
            return
        }
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        while true {
            let status = pcap_next_ex(handle, &header, &data)
            switch status {
            case 1:
                guard let header, let data else { continue }
                let record = header.pointee
                let bytes = UnsafeRawBufferPointer(start: data, count: Int(record.caplen))
                let timestamp = Timestamp(
                    microsecondsSinceEpoch: Int64(record.ts.tv_sec) * 1_000_000 + Int64(record.ts.tv_usec))
                guard body(bytes, timestamp, Int(record.len)) else { return }
            case PCAP_ERROR_BREAK:
                return
            default:
                throw .readFailed(message: PcapHandle.lastError(handle))
            }
        }
    }

    /// The next frame as an owned value, or nil at the end of the file.
    package func nextFrame() throws(CaptureError) -> CapturedFrame? {
        var frame: CapturedFrame?
        try forEachFrame { bytes, timestamp, originalLength in
            frame = CapturedFrame(linkType: linkType, timestamp: timestamp, bytes: [UInt8](bytes), originalLength: originalLength)
            return false
        }
        return frame
    }
}
