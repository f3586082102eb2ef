import Glibc
import Synchronization

/// A raw TCP client for hostile-client tests: connects from a chosen loopback source address
/// (`127.0.0.2` stands for another host), writes without ever reading, trickles bytes, and tells
/// whether the server closed it. Blocking calls on the caller's thread; run them on a thread of
/// their own (``HostileThreads``), never on the cooperative pool.
public final class HostileSocket: @unchecked Sendable {
    public let descriptor: Int32

    /// Connects to `127.0.0.1:port` (or `host`) from `source` (any port).
    public init(port: Int, host: String = "127.0.0.1", from source: String = "127.0.0.1") throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HostileSocketError.failed("socket", errno) }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(descriptor)
            throw HostileSocketError.failed("bind \(source)", errno)
        }
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &remote.sin_addr)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw HostileSocketError.failed("connect", errno)
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes`; false once the peer has closed or reset (or a 10 s send timeout).
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    @discardableResult
    public func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// Reads until the peer closes (or 10 s pass without a byte); everything it sent.
    public func readUntilClosed() -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return received
            }
        }
    }

    /// Reads one `\n`-terminated line (without it), nil when the peer closed first.
    public func readLine() -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = recv(descriptor, &byte, 1, 0)
            if count == 1 {
                if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
                line.append(byte)
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return nil
            }
        }
    }

    /// Whether the peer has closed the connection (a read sees the end or a reset), waiting at
    /// most `milliseconds` for it.
    public func isClosedByPeer(waitingMilliseconds milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, milliseconds) > 0 else { return false }
        var byte: UInt8 = 0
        while true {
            let count = recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT))
            if count == 0 { return true }
            if count < 0 { return errno != EAGAIN && errno != EINTR }
            // Data (an answer) before the end: keep reading.
        }
    }
}

extension HostileSocket {
    /// Sends `prefix` one byte at a time, then `filler` bytes without end, waiting
    /// `pauseMilliseconds` for the listener to close the connection after each; true when it did
    /// (a failed write counts: this client never closes), false when `atMostSeconds` passed first.
    /// The listener's deadline is what ends it, not the length of the text, however slowly a
    /// loaded machine runs the listener.
    public func trickle(
        _ prefix: String, then filler: UInt8 = UInt8(ascii: "a"), pauseMilliseconds: Int32, atMostSeconds: Int = 60
    ) -> Bool {
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let end = clock.tv_sec + atMostSeconds
        var bytes = Array(prefix.utf8).makeIterator()
        while true {
            clock_gettime(CLOCK_MONOTONIC, &clock)
            guard clock.tv_sec < end else { return false }
            guard write([bytes.next() ?? filler]) else { return true }
            if isClosedByPeer(waitingMilliseconds: pauseMilliseconds) { return true }
        }
    }

    /// ``isClosedByPeer(waitingMilliseconds:)`` waited for on a thread of its own, so that a long
    /// wait never holds one of the cooperative pool's threads the server under test needs.
    public func closedByPeer(waitingMilliseconds milliseconds: Int32) async -> Bool {
        let result = ClosedFlag()
        await HostileThreads.run(1) { _ in
            result.value.store(self.isClosedByPeer(waitingMilliseconds: milliseconds), ordering: .relaxed)
        }
        return result.value.load(ordering: .relaxed)
    }
}

private final class ClosedFlag: Sendable {
    let value = Atomic<Bool>(false)
}

public enum HostileSocketError: Error, CustomStringConvertible {
    case failed(String, Int32)

    public var description: String {
        switch self {
        case .failed(let call, let code): "\(call): errno \(code)"
        }
    }
}

/// Runs blocking client work on threads of their own and waits for all of them, so that hostile
/// clients never occupy the cooperative pool the server under test runs on.
public enum HostileThreads {
    /// Runs `body(index)` for `0..<count` on `count` threads; returns when all have finished.
    public static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let box = ThreadGroup(count: count, continuation: continuation)
            for index in 0..<count {
                var thread = pthread_t()
                let context = Unmanaged.passRetained(ThreadContext { body(index); box.finishOne() }).toOpaque()
                pthread_create(&thread, nil, { raw in
                    let context = Unmanaged<ThreadContext>.fromOpaque(raw!).takeRetainedValue()
                    context.body()
                    return nil
                }, context)
                pthread_detach(thread)
            }
        }
    }
}

private final class ThreadContext {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

private final class ThreadGroup: Sendable {
    private let remaining: Atomic<Int>
    private let continuation: CheckedContinuation<Void, Never>

    init(count: Int, continuation: CheckedContinuation<Void, Never>) {
        remaining = Atomic(count)
        self.continuation = continuation
        if count == 0 { continuation.resume() }
    }

    func finishOne() {
        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { continuation.resume() }
    }
}

/// The process's resident set size in bytes (`/proc/self/statm`), for memory bounds in tests.
public func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var size = 0
    var resident = 0
    guard withUnsafeMutablePointer(to: &size, { sizePointer in
        withUnsafeMutablePointer(to: &resident) { residentPointer in
            withVaList([sizePointer, residentPointer]) { vfscanf(file, "%ld %ld", $0) }
        }
    }) == 2 else { return 0 }
    return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// A counter that hostile-client threads and the test share (an `Atomic` in a class, so that
/// `@Sendable` closures can capture it).
public final class SharedCount: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    public func add(_ amount: Int = 1) { value.add(amount, ordering: .relaxed) }

    public var current: Int { value.load(ordering: .relaxed) }

    /// Raises the value to `candidate` when that is larger.
    public func raise(to candidate: Int) {
        var current = value.load(ordering: .relaxed)
        while candidate > current {
            let (exchanged, original) = value.compareExchange(expected: current, desired: candidate, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
