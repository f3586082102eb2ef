import Foundation

/// Rewrites a little-endian microsecond pcap into the other forms `replay` must recognise by their
/// magic number: big-endian, nanosecond (either byte order) and pcapng. Test-only; the input is one
/// of the project's own captures, so its records are trusted.
enum CaptureRewriter {
    struct Record {
        var seconds: UInt32
        var microseconds: UInt32
        var originalLength: UInt32
        var data: Data
    }

    enum Form: String, CaseIterable, Sendable {
        case bigEndian = "pcap-be"
        case nanosecond = "pcap-ns"
        case nanosecondBigEndian = "pcap-ns-be"
        case pcapng
    }

    static func read(_ path: String) throws -> (linkType: UInt32, records: [Record]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        func u32(_ offset: Int) -> UInt32 { data[offset..<offset + 4].enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * $1.offset) } }
        precondition(u32(0) == 0xA1B2_C3D4, "a little-endian microsecond pcap")
        var records: [Record] = []
        var offset = 24
        while offset + 16 <= data.count {
            let length = Int(u32(offset + 8))
            records.append(Record(
                seconds: u32(offset), microseconds: u32(offset + 4), originalLength: u32(offset + 12),
                data: data.subdata(in: offset + 16..<offset + 16 + length)))
            offset += 16 + length
        }
        return (u32(20), records)
    }

    static func write(_ form: Form, linkType: UInt32, records: [Record], to path: String) throws {
        var out = Data()
        func put32(_ value: UInt32, bigEndian: Bool) {
            withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { out.append(contentsOf: $0) }
        }
        func put16(_ value: UInt16, bigEndian: Bool) {
            withUnsafeBytes(of: bigEndian ? value.bigEndian : value.littleEndian) { out.append(contentsOf: $0) }
        }
        switch form {
        case .bigEndian, .nanosecond, .nanosecondBigEndian:
            let big = form != .nanosecond
            let nano = form != .bigEndian
            put32(nano ? 0xA1B2_3C4D : 0xA1B2_C3D4, bigEndian: big)
            put16(2, bigEndian: big)
            put16(4, bigEndian: big)
            put32(0, bigEndian: big)
            put32(0, bigEndian: big)
            put32(262_144, bigEndian: big)
            put32(linkType, bigEndian: big)
            for record in records {
                put32(record.seconds, bigEndian: big)
                put32(nano ? record.microseconds * 1_000 : record.microseconds, bigEndian: big)
                put32(UInt32(record.data.count), bigEndian: big)
                put32(record.originalLength, bigEndian: big)
                out.append(record.data)
            }
        case .pcapng:
            // Section Header Block, Interface Description Block (default µs resolution), one
            // Enhanced Packet Block per record; little-endian.
            put32(0x0A0D_0D0A, bigEndian: false); put32(28, bigEndian: false); put32(0x1A2B_3C4D, bigEndian: false)
            put16(1, bigEndian: false); put16(0, bigEndian: false)
            out.append(contentsOf: [UInt8](repeating: 0xFF, count: 8)); put32(28, bigEndian: false)
            put32(1, bigEndian: false); put32(20, bigEndian: false); put16(UInt16(linkType), bigEndian: false)
            put16(0, bigEndian: false); put32(262_144, bigEndian: false); put32(20, bigEndian: false)
            for record in records {
                let padded = (record.data.count + 3) & ~3
                let total = UInt32(32 + padded)
                let time = UInt64(record.seconds) * 1_000_000 + UInt64(record.microseconds)
                put32(6, bigEndian: false); put32(total, bigEndian: false); put32(0, bigEndian: false)
                put32(UInt32(time >> 32), bigEndian: false); put32(UInt32(time & 0xFFFF_FFFF), bigEndian: false)
                put32(UInt32(record.data.count), bigEndian: false); put32(record.originalLength, bigEndian: false)
                out.append(record.data)
                out.append(contentsOf: [UInt8](repeating: 0, count: padded - record.data.count))
                put32(total, bigEndian: false)
            }
        }
        try out.write(to: URL(fileURLWithPath: path))
    }
}
