import AsyncHTTPClient
import CallModel
import CallwardenPorts
import Console
import Foundation
import Hummingbird
import IncidentAPI
import Logging
import NIOCore
import NIOHTTP1
import PeopleAPI
import SQLiteStore

/// The people's listener (API and console) on a free loopback port over a temporary SQLite store,
/// with one token per role (named after it) and one blocked and one redirected number; the console
/// shows times in Europe/Helsinki.
struct PeopleServer: Sendable {
    static let now = Timestamp(secondsSinceEpoch: 1_700_000_900)
    static let blocked = E164Number(e164: "+447700900123")!
    static let redirected = E164Number(e164: "+447700900456")!

    let store: SQLiteStore
    let base: String
    let tokens: [AccessRole: String]
    /// `METHOD /path` of every route served (OpenAPI form).
    let served: [String]
    /// Every endpoint with its access rule.
    let endpoints: [PeopleEndpoint]

    /// Runs `body` with a fresh server; `failureLimit`: failed authentications per address per minute.
    /// The tokens of a store made by an earlier ``with(failureLimit:storePath:tokens:_:)`` on the same path (a restart).
    static func with(
        failureLimit: Int = 1_000, storePath: String? = nil, tokens existing: [AccessRole: String]? = nil, teams: [String: String] = [:],
        _ body: (PeopleServer) async throws -> Void
    ) async throws {
        let store = try storePath.map { try SQLiteStore(path: $0) } ?? SQLiteStore.temporary()
        defer { try? store.close() }
        var tokens: [AccessRole: String] = existing ?? [:]
        if existing == nil {
            for role in AccessRole.allCases {
                tokens[role] = try AccessTokenIssuer.issue(name: role.rawValue, role: role, actor: "test", at: now, store: store).text
            }
            _ = try store.addRule(
                Rule(match: .number(blocked), action: .block, reason: "threatened reception", createdBy: "cli:alice", createdAt: now), actor: "cli:alice")
            _ = try store.addRule(
                Rule(match: .number(redirected), action: .redirect(to: "+442079460999"), reason: "crisis", createdBy: "cli:alice", createdAt: now),
                actor: "cli:alice")
        }
        let logger = Logger(label: "test.people")
        let authenticator = Authenticator(
            store: store, sessions: ConsoleSessions(store: store, clock: .fixed(now)), limiter: FailedAuthenticationLimiter(limit: failureLimit))
        let routes = IncidentRoutes(store: store, crisisLine: "+442079460999", clock: .fixed(now))
        let server = PeopleHTTPServer(
            store: store, plan: .unitedKingdom, incidentRoutes: routes, authenticator: authenticator, clock: .fixed(now),
            storeExecutor: nil, logger: logger)
        let console = ConsolePages(
            store: store, plan: .unitedKingdom, authenticator: authenticator, secureCookies: false, clock: .fixed(now), work: server.work,
            time: ConsoleTime(identifier: "Europe/Helsinki"), teams: teams)
        let (_, served) = server.makeRouter(adding: console.endpoints)
        let port = AsyncStream<Int>.makeStream()
        let app = server.application(
            host: "127.0.0.1", port: 0, adding: console.endpoints, logger: logger,
            onServerRunning: { channel in port.continuation.yield(channel.localAddress?.port ?? 0) })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { task.cancel() }
        var bound = 0
        for await value in port.stream {
            bound = value
            break
        }
        try await body(PeopleServer(
            store: store, base: "http://127.0.0.1:\(bound)", tokens: tokens, served: served, endpoints: server.endpoints + console.endpoints))
        task.cancel()
        _ = await task.result
    }
}

/// One HTTP exchange, redirects not followed, body as text and (when it is) JSON.
struct Exchange {
    var status: UInt
    var headers: HTTPHeaders
    var text: String
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
}

enum HTTP {
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    static func send(
        _ method: HTTPMethod, _ url: String, body: String? = nil, contentType: String = "application/json", token: String? = nil,
        cookie: String? = nil, headers: [String: String] = [:]
    ) async throws -> Exchange {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return Exchange(status: response.status.code, headers: response.headers, text: String(decoding: bytes.readableBytesView, as: UTF8.self))
    }

    /// Form encoding of `fields` (percent-encoded values).
    static func form(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { $0.0 + "=" + ($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "") }.joined(separator: "&")
    }
}
