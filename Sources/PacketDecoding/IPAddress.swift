/// An IPv4 or IPv6 address as numbers (network order folded into integers), cheap to hash and copy.
///
/// `description` writes IPv4 dotted-quad and IPv6 in the RFC 5952 canonical form (lower case, the
/// longest run of two or more zero groups as `::`), which is also how tshark prints them.
/// Deliberately not handled: IPv6 zone ids and IPv4-mapped dotted notation (`::ffff:1.2.3.4` is
/// written as `::ffff:102:304`).
package enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    /// The 128 bits as two big-endian halves.
    case v6(high: UInt64, low: UInt64)

    /// The address read from 4 (IPv4) or 16 (IPv6) bytes at `offset`; the caller checked the length.
    static func v4(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Self {
        .v4(bytes.bigEndianUInt32(at: offset))
    }

    static func v6(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Self {
        .v6(high: bytes.bigEndianUInt64(at: offset), low: bytes.bigEndianUInt64(at: offset + 8))
    }

    /// True for an IPv6 address.
    package var isV6: Bool {
        if case .v6 = self { return true }
        return false
    }

    package var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
        case .v6(let high, let low):
            let groups = (0..<8).map { index -> UInt16 in
                let half = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: half >> (UInt64(3 - index % 4) * 16))
            }
            return Self.canonicalIPv6(groups)
        }
    }

    private static func canonicalIPv6(_ groups: [UInt16]) -> String {
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8 && groups[index] == 0 { index += 1 }
            if index - start > bestLength && index - start >= 2 {
                bestStart = start
                bestLength = index - start
            }
        }
        func hex(_ range: Range<Int>) -> String {
            range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}
