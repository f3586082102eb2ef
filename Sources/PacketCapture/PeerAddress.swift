import CPcap
import Glibc
import PacketDecoding

/// The peer of a received datagram or an accepted connection, read from the `sockaddr_storage`
/// the kernel filled in (`recvfrom`, `accept`): the address the bytes really came from.
enum PeerAddress {
    /// The IP address in `storage`, or nil for another family.
    static func ipAddress(_ storage: sockaddr_storage) -> IPAddress? {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &storage) { raw in
                let address = raw.loadUnaligned(as: sockaddr_in.self)
                return .v4(UInt32(bigEndian: address.sin_addr.s_addr))
            }
        case AF_INET6:
            return withUnsafeBytes(of: &storage) { raw in
                let address = raw.loadUnaligned(as: sockaddr_in6.self)
                return withUnsafeBytes(of: address.sin6_addr) { bytes in
                    var high: UInt64 = 0
                    var low: UInt64 = 0
                    for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
                    for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
                    return .v6(high: high, low: low)
                }
            }
        default:
            return nil
        }
    }

    /// `192.0.2.7` or `2001:db8::7`: the key per-source limits count by.
    static func key(_ address: IPAddress?) -> String { address.map { "\($0)" } ?? "unknown" }
}
