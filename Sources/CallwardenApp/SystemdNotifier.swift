#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd about start-up and shutdown (`Type=notify`) without libsystemd: one datagram of
/// `KEY=VALUE` lines to `$NOTIFY_SOCKET` (protocols.md §11.1). Does nothing when not run by systemd.
/// The watchdog pings (`WATCHDOG=1`) come from ``SystemdWatchdog``.
package enum SystemdNotifier {
    /// Sends `state` (e.g. `READY=1\nSTATUS=following 1 CDR file`). Returns false when not sent.
    @discardableResult
    package static func notify(_ state: String) -> Bool {
        guard let socketPath = getenv("NOTIFY_SOCKET").map({ String(cString: $0) }), !socketPath.isEmpty else {
            return false
        }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let sent = state.utf8CString.withUnsafeBufferPointer { message in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    sendto(fd, message.baseAddress, message.count - 1, 0, socketAddress, length)
                }
            }
        }
        return sent >= 0
    }
}
