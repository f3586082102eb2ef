import CPcap
import Glibc

/// A bound UDP socket, or a listening TCP socket (IPv4 or IPv6), with a receive timeout, for the
/// HEP listeners.
struct BoundSocket {
    enum Kind {
        case datagram
        /// Listening, non-blocking (accepted connections are polled).
        case stream
    }

    let descriptor: Int32
    /// The port actually bound (the configured one, or the one the kernel picked for 0).
    let port: UInt16

    init(
        _ kind: Kind, host: String, port: UInt16, receiveBufferBytes: Int32, receiveTimeoutMilliseconds: Int
    ) throws(CaptureError) {
        let isV6 = host.contains(":")
        let type = kind == .datagram ? SOCK_DGRAM : SOCK_STREAM
        let descriptor = socket(isV6 ? AF_INET6 : AF_INET, Int32(type.rawValue), 0)
        guard descriptor >= 0 else { throw .socketFailed(call: "socket", errno: errno) }
        do throws(CaptureError) {
            try Self.configure(descriptor, receiveBufferBytes: receiveBufferBytes, timeoutMilliseconds: receiveTimeoutMilliseconds)
            self.port = try isV6 ? Self.bindV6(descriptor, host: host, port: port) : Self.bindV4(descriptor, host: host, port: port)
            if kind == .stream {
                guard listen(descriptor, 64) == 0 else { throw CaptureError.socketFailed(call: "listen", errno: errno) }
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            }
            self.descriptor = descriptor
        } catch {
            close(descriptor)
            throw error
        }
    }

    private static func configure(_ descriptor: Int32, receiveBufferBytes: Int32, timeoutMilliseconds: Int) throws(CaptureError) {
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var bufferBytes = receiveBufferBytes
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bufferBytes, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval()
        timeout.tv_sec = timeoutMilliseconds / 1_000
        timeout.tv_usec = (timeoutMilliseconds % 1_000) * 1_000
        guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            throw .socketFailed(call: "setsockopt(SO_RCVTIMEO)", errno: errno)
        }
    }

    private static func bindV4(_ descriptor: Int32, host: String, port: UInt16) throws(CaptureError) -> UInt16 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw .addressInvalid(host) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw .socketFailed(call: "bind", errno: errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func bindV6(_ descriptor: Int32, host: String, port: UInt16) throws(CaptureError) -> UInt16 {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = port.bigEndian
        guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw .addressInvalid(host) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
        }
        guard bound == 0 else { throw .socketFailed(call: "bind", errno: errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return UInt16(bigEndian: address.sin6_port)
    }
}
