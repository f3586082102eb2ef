import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One JSON POST through AsyncHTTPClient, its answer mapped to ``AlertDeliveryError``.
enum HTTPPost {
    /// Posts `body` to `url` with `headers`; returns when the receiver answered 2xx.
    static func send(
        _ body: [UInt8], to url: String, headers: [(String, String)], timeout: Duration, client: HTTPClient,
        receiver: String
    ) async throws(AlertDeliveryError) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "callwarden")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let status: UInt
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(nanoseconds))
            status = response.status.code
            // Read (and drop) the answer so that the connection can be reused; an oversized or cut
            // answer does not undo the status the receiver already gave.
            _ = try? await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw .retryable("\(receiver) could not be reached: \(error)")
        }
        if let failure = AlertDeliveryError.forHTTPStatus(status, receiver: receiver) { throw failure }
    }
}
