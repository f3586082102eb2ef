import AsyncHTTPClient
import CallModel
import CallwardenPorts
import Foundation
import Incidents
import NIOCore
import NIOHTTP1
import SQLiteStore

#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 held bound but not listening until ``release()``: connections to it are
/// refused (a receiver that is down) and no other process can take it meanwhile. The port lies
/// below the kernel's ephemeral range (32768-60999 by default), so no outgoing connection's source
/// port is ever it. Receivers that come up bind port 0 and read the port they got: a released
/// port is never bound again (a parallel run's other listeners may take it at any moment).
final class HeldPort {
    let port: Int
    private var descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed") }
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        var bound: Int32 = -1
        for _ in 0..<64 where bound != 0 {
            address.sin_port = UInt16(Int.random(in: 20_000..<32_000)).bigEndian
            bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
            }
        }
        guard bound == 0 else { close(descriptor); throw TestFailure("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw TestFailure("getsockname() failed") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Lets the port go, right before the receiver binds it.
    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 50 ms until it holds or `seconds` pass; true when it held. A bound on
/// waiting, not a timing assertion: the test asserts the condition, never how fast it came. The
/// default is generous because a loaded CI machine may run other tests' CPU-bound work on both
/// threads of the cooperative pool for a while.
func eventually(seconds: Double = 90, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// GET `url` and return the body (nil on any failure).
func httpGet(_ url: String) async -> (status: UInt, body: [UInt8])? {
    var request = HTTPClientRequest(url: url)
    request.method = .GET
    guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)),
        let body = try? await response.body.collect(upTo: 4 * 1024 * 1024)
    else { return nil }
    return (response.status.code, Array(body.readableBytesView))
}

/// Synthetic fixtures: Ofcom drama-range numbers only.
enum AlertFixture {
    static let caller = E164Number(e164: "+447700900123")!

    static func time(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_700_000_000 + seconds) }

    /// A repeat-caller detection at the alerting action for `target`.
    static func detection(target: String, calls: Int = 5) -> Detection {
        Detection(
            kind: .repeatCaller, caller: caller, callers: [caller], target: target, calls: calls, first: time(0),
            last: time(600), action: .alert, offence: 1, callIDs: ["c-\(target)"])
    }

    /// Commits one detection per target; each opens an incident and one alert.
    static func raiseAlerts(in store: SQLiteStore, targets: [String]) throws {
        var batch = IngestBatch()
        batch.detections = targets.map { detection(target: $0) }
        try store.commit(batch)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("callwarden-alerts-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
