package import CallModel
import Glibc
package import PacketDecoding

/// Writes a classic pcap file (`pcap-savefile(5)`: little-endian, microsecond timestamps, version
/// 2.4) — for making benchmark inputs and test captures, not for production capture.
///
/// Deliberately not handled: pcapng, nanosecond files, and appending to an existing file.
package final class PcapFileWriter {
    private var file: UnsafeMutablePointer<FILE>?
    package let path: String
    /// Frames written so far.
    package private(set) var framesWritten = 0

    /// Creates (or truncates) `path` and writes the global header.
    package init(path: String, linkType: LinkType, snapLength: UInt32 = 262_144) throws(CaptureError) {
        guard let file = fopen(path, "wb") else { throw .fileOpenFailed(path: path, message: "errno \(errno)") }
        self.file = file
        self.path = path
        var header: [UInt8] = []
        Self.appendLittleEndian(UInt32(0xa1b2_c3d4), to: &header)
        Self.appendLittleEndian(UInt16(2), to: &header)
        Self.appendLittleEndian(UInt16(4), to: &header)
        Self.appendLittleEndian(UInt32(0), to: &header)
        Self.appendLittleEndian(UInt32(0), to: &header)
        Self.appendLittleEndian(snapLength, to: &header)
        Self.appendLittleEndian(linkType == .rawDLT ? LinkType.raw.rawValue : linkType.rawValue, to: &header)
        try write(header)
    }

    deinit {
        if let file { fclose(file) }
    }

    /// Appends one frame with its capture time.
    package func write(_ frame: [UInt8], timestamp: Timestamp, originalLength: Int? = nil) throws(CaptureError) {
        var record: [UInt8] = []
        record.reserveCapacity(16 + frame.count)
        let micro = timestamp.microsecondsSinceEpoch - timestamp.secondsSinceEpoch * 1_000_000
        Self.appendLittleEndian(UInt32(truncatingIfNeeded: timestamp.secondsSinceEpoch), to: &record)
        Self.appendLittleEndian(UInt32(truncatingIfNeeded: micro), to: &record)
        Self.appendLittleEndian(UInt32(truncatingIfNeeded: frame.count), to: &record)
        Self.appendLittleEndian(UInt32(truncatingIfNeeded: originalLength ?? frame.count), to: &record)
        record.append(contentsOf: frame)
        try write(record)
        framesWritten += 1
    }

    /// Flushes and closes the file; later writes fail.
    package func close() throws(CaptureError) {
        guard let file else { return }
        self.file = nil
        guard fclose(file) == 0 else { throw .readFailed(message: "closing \(path): errno \(errno)") }
    }

    private func write(_ bytes: [UInt8]) throws(CaptureError) {
        guard let file else { throw .readFailed(message: "\(path) is closed") }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count else { throw .readFailed(message: "writing \(path): errno \(errno)") }
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
