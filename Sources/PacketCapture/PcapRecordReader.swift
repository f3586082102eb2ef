import Glibc
package import CallModel

/// Reads the records of a classic pcap file (not pcapng) straight from the file in 1 MiB blocks
/// and hands each frame out in place: no per-frame copy and no stdio buffer between the page cache
/// and the frame, which is what libpcap's `pcap_next_ex` costs per frame.
///
/// Only the plain formats: magic `a1b2c3d4` (microseconds) or `a1b23c4d` (nanoseconds, rescaled to
/// microseconds by truncation as libpcap does), in either byte order, version 2.4. A file in any
/// other shape (pcapng, the modified "Kuznetzov" format, old versions) is left to libpcap
/// (``init(path:)`` returns nil). Errors read like libpcap's: a record cut short at the end of the
/// file, or one longer than libpcap's 256 KiB maximum, ends the read with
/// ``CaptureError/readFailed(message:)``.
///
/// One owner, one thread at a time. Deliberately not handled: files that change while being read.
final class PcapRecordReader {
    private static let blockSize = 1 << 20
    private static let fileHeaderLength = 24
    private static let recordHeaderLength = 16
    /// libpcap's `MAXIMUM_SNAPLEN`: a larger record length means a damaged file.
    private static let maximumCaptureLength = 262_144

    private let descriptor: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    /// The unread bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private var atEndOfFile = false
    private let swapped: Bool
    private let nanoseconds: Bool

    /// Opens `path` when it is a classic pcap file of a plain format; nil otherwise (libpcap reads it).
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var header = [UInt8](repeating: 0, count: Self.fileHeaderLength)
        let got = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, Self.fileHeaderLength) }
        guard got == Self.fileHeaderLength else {
            close(descriptor)
            return nil
        }
        let magic = UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24
        switch magic {
        case 0xA1B2_C3D4: (swapped, nanoseconds) = (false, false)
        case 0xD4C3_B2A1: (swapped, nanoseconds) = (true, false)
        case 0xA1B2_3C4D: (swapped, nanoseconds) = (false, true)
        case 0x4D3C_B2A1: (swapped, nanoseconds) = (true, true)
        default:
            close(descriptor)
            return nil
        }
        let major = swapped ? UInt16(header[4]) << 8 | UInt16(header[5]) : UInt16(header[5]) << 8 | UInt16(header[4])
        let minor = swapped ? UInt16(header[6]) << 8 | UInt16(header[7]) : UInt16(header[7]) << 8 | UInt16(header[6])
        guard major == 2, minor == 4 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.blockSize, alignment: 16)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// Calls `body` with each remaining frame (bytes valid only during the call), capture time and
    /// length on the wire; stops early when `body` returns false (the next call goes on from there).
    func forEachFrame(
        _ body: (_ bytes: UnsafeRawBufferPointer, _ timestamp: Timestamp, _ originalLength: Int) -> Bool
    ) throws(CaptureError) {
        while true {
            if end - start < Self.recordHeaderLength {
                guard try refill() else {
                    if end > start {
                        throw .readFailed(
                            message: "truncated dump file; tried to read \(Self.recordHeaderLength) header bytes, only got \(end - start)")
                    }
                    return
                }
                continue
            }
            let header = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + Self.recordHeaderLength)])
            let seconds = field(header, 0)
            let fraction = field(header, 4)
            let captured = Int(field(header, 8))
            let original = Int(field(header, 12))
            guard captured <= Self.maximumCaptureLength else {
                throw .readFailed(
                    message: "invalid packet capture length \(captured), bigger than maximum of \(Self.maximumCaptureLength)")
            }
            if end - start < Self.recordHeaderLength + captured {
                guard try refill() else {
                    throw .readFailed(
                        message: "truncated dump file; tried to read \(captured) captured bytes, only got \(end - start - Self.recordHeaderLength)")
                }
                continue
            }
            let dataStart = start + Self.recordHeaderLength
            start = dataStart + captured
            let microseconds = Int64(nanoseconds ? fraction / 1_000 : fraction)
            let timestamp = Timestamp(microsecondsSinceEpoch: Int64(seconds) * 1_000_000 + microseconds)
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[dataStart..<(dataStart + captured)])
            guard body(bytes, timestamp, original) else { return }
        }
    }

    @inline(__always)
    private func field(_ header: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        let value = header.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return swapped ? UInt32(bigEndian: value) : UInt32(littleEndian: value)
    }

    /// Moves the unread bytes to the front and reads more after them; false at the end of the file
    /// (nothing more could be read).
    private func refill() throws(CaptureError) -> Bool {
        if atEndOfFile { return false }
        let unread = end - start
        if start > 0, unread > 0 {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: unread)
        }
        start = 0
        end = unread
        var readAny = false
        while end < buffer.count {
            let got = read(descriptor, buffer.baseAddress! + end, buffer.count - end)
            if got < 0 {
                if errno == EINTR { continue }
                throw .readFailed(message: String(cString: strerror(errno)))
            }
            if got == 0 {
                atEndOfFile = true
                break
            }
            end += got
            readAny = true
        }
        return readAny
    }
}
