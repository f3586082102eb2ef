import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// systemd's side of `Type=notify` for a `serve` started as a child process: a Unix datagram
/// socket whose path goes to the child as `NOTIFY_SOCKET`. The child sends `READY=1` with a
/// `STATUS=` naming each listener's bound address once every listener is bound, so a test
/// configures port 0 and reads the port the daemon got, instead of guessing a free one.
final class NotifySocket {
    let path: String
    private let descriptor: Int32
    private(set) var messages: [String] = []

    init(directory: String) throws {
        path = directory + "/notify.sock"
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// The environment for the child: this socket as `NOTIFY_SOCKET`.
    var environment: [String: String] { ["NOTIFY_SOCKET": path] }

    /// Waits (suspending, up to `seconds`: a bound for a loaded machine, not a timing assertion) for
    /// the `READY=1` message; its listeners by key (`push:tcp:127.0.0.1:0` → `127.0.0.1:41234`), or
    /// nil when the child never became ready.
    func readyListeners(upTo seconds: Double) async -> [String: String]? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            receiveWaiting()
            if let ready = messages.first(where: { $0.split(separator: "\n").contains("READY=1") }) {
                return Self.listeners(inStatusOf: ready)
            }
            guard Date() < deadline else { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// The port of `key` in `listeners`, e.g. `127.0.0.1:41234` → 41234.
    static func port(_ listeners: [String: String], _ key: String) -> Int? {
        guard let address = listeners[key], let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }

    /// `STATUS=...; listening: a 127.0.0.1:1, b 127.0.0.1:2` → [a: 127.0.0.1:1, b: 127.0.0.1:2].
    static func listeners(inStatusOf message: String) -> [String: String] {
        guard let status = message.split(separator: "\n").first(where: { $0.hasPrefix("STATUS=") }),
            let range = status.range(of: "; listening: ")
        else { return [:] }
        var result: [String: String] = [:]
        for entry in status[range.upperBound...].components(separatedBy: ", ") {
            guard let space = entry.lastIndex(of: " ") else { continue }
            result[String(entry[..<space])] = String(entry[entry.index(after: space)...])
        }
        return result
    }

    private func receiveWaiting() {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            guard count > 0 else { return }
            messages.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
    }
}
