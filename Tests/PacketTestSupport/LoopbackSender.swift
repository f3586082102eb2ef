package import Glibc

/// Sends UDP datagrams on loopback to a port that a receiving socket of its own holds open (so the
/// kernel accepts them rather than answering "port unreachable"). Shared by the packet and capture
/// test targets; never shipped.
package final class LoopbackSender {
    package let receiver: Int32
    package let sender: Int32
    package let port: UInt16

    package init() {
        let receiver = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(receiver, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(receiver, $0, &length) }
        }
        self.receiver = receiver
        self.sender = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        self.port = UInt16(bigEndian: address.sin_port)
    }

    deinit {
        close(receiver)
        close(sender)
    }

    /// Sends `bytes` to 127.0.0.1:`port` (the receiver's port unless given).
    @discardableResult
    package func send(_ bytes: [UInt8], to port: UInt16? = nil) -> Int {
        var address = Self.loopback(port: port ?? self.port)
        return bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(sender, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    package static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        return address
    }
}
