import AsyncHTTPClient
import CallModel
import CallwardenPorts
import Foundation
import Hummingbird
import IncidentAPI
import Incidents
import Logging
import NIOCore
import NIOHTTP1
import SQLiteStore
import Testing

@Suite("Incident HTTP API on a real loopback socket", .serialized)
struct IncidentAPITests {
    static let caller = E164Number(e164: "+447700900123")!
    static let now = Timestamp(secondsSinceEpoch: 1_700_000_900)

    /// Serves the routes on a free loopback port for the duration of `body`.
    private func withServer(
        tokens: [Secret] = [], storeExecutor: (any TaskExecutor)? = nil, _ body: (SQLiteStore, String) async throws -> Void
    ) async throws {
        let store = try SQLiteStore.temporary()
        defer { try? store.close() }
        var batch = IngestBatch()
        batch.events = [CallEvent(
            time: Timestamp(secondsSinceEpoch: 1_700_000_630), callID: "1700000600.12", source: .asteriskCSV,
            phase: .ended, disposition: .answered, callStart: Timestamp(secondsSinceEpoch: 1_700_000_600),
            caller: CallerIdentity(raw: "anonymous", assertedIdentity: Self.caller, presentationRestricted: true),
            callee: CalledParty(raw: "1001", key: "1001"))]
        try store.commit(batch)
        let routes = IncidentRoutes(store: store, crisisLine: "+442079460999", bearerTokens: tokens, clock: WallClock { Self.now },
            storeExecutor: storeExecutor)
        let port = AsyncStream<Int>.makeStream()
        let app = IncidentHTTPServer.application(
            host: "127.0.0.1", port: 0, routes: routes, logger: Logger(label: "test.api"),
            onServerRunning: { channel in port.continuation.yield(channel.localAddress?.port ?? 0) })
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var base = ""
        for await bound in port.stream {
            base = "http://127.0.0.1:\(bound)"
            break
        }
        try await body(store, base)
        server.cancel()
        _ = await server.result
    }

    private func send(
        _ method: HTTPMethod, _ url: String, body: String? = nil, contentType: String = "application/json",
        token: String? = nil
    ) async throws -> (status: UInt, json: [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        if let token { request.headers.add(name: "Authorization", value: "Bearer " + token) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return (response.status.code, json)
    }

    @Test("POST /v1/mcid by extension flags the last call, opens the incident, redirects and raises the alert")
    func mcidByExtension() async throws {
        try await withServer { store, base in
            let (status, json) = try await send(
                .POST, base + "/v1/mcid",
                body: #"{"extension":"1001","within":"10m","kind":"bomb-threat","by":"reception","redirect":true,"source_address":"198.51.100.7:5060","sip_headers":{"Privacy":"id"}}"#)
            #expect(status == 201)
            #expect(json["call_id"] as? String == "1700000600.12")
            #expect(json["call_found"] as? Bool == true)
            #expect(json["severity"] as? String == "critical")
            #expect(json["opened"] as? Bool == true)
            let id = try #require(json["incident"] as? Int)
            let incident = try #require(try store.incident(id: Int64(id)))
            #expect(incident.identity == Self.caller.description)
            #expect(try store.alerts(incidentID: incident.id).map(\.key) == [json["alert"] as? String ?? ""])
            let rules = try store.rules(activeAt: Self.now, includeExpired: false)
            #expect(rules.map(\.action) == [.redirect(to: "+442079460999")])
            #expect(try store.timeline(incidentID: incident.id)?.flags.first?.sipHeaders == [SIPHeaderField(name: "Privacy", value: "id")])
        }
    }

    @Test("the form body Asterisk's CURL() posts works; the lifecycle and notes go through the API")
    func formBodyAndLifecycle() async throws {
        try await withServer { store, base in
            let (status, json) = try await send(
                .POST, base + "/v1/mcid", body: "call_id=1700000600.12&kind=threat&by=ext%3A1001&note=threatened+me",
                contentType: "application/x-www-form-urlencoded")
            #expect(status == 201)
            let id = try #require(json["incident"] as? Int)
            #expect(try await send(.POST, base + "/v1/incidents/\(id)/status", body: #"{"status":"ack","by":"alice"}"#).status == 200)
            #expect(try await send(.POST, base + "/v1/incidents/\(id)/notes", body: #"{"note":"police informed","by":"alice"}"#).status == 201)
            let backwards = try await send(.POST, base + "/v1/incidents/\(id)/status", body: #"{"status":"open"}"#)
            #expect(backwards.status == 409)
            let shown = try await send(.GET, base + "/v1/incidents/\(id)")
            #expect(shown.status == 200)
            #expect(shown.json["status"] as? String == "acknowledged")
            #expect(shown.json["calls"] as? Int == 1)
            #expect((shown.json["log"] as? [[String: Any]])?.map { $0["action"] as? String } == ["opened", "mcid", "acknowledged", "note"])
            let listed = try await send(.GET, base + "/v1/incidents?status=acknowledged")
            #expect((listed.json["incidents"] as? [[String: Any]])?.count == 1)
            #expect(try await send(.GET, base + "/v1/incidents/999").status == 404)
            #expect(try store.timeline(incidentID: Int64(id))?.flags.first?.note == "threatened me")
        }
    }

    @Test("bad requests are answered 400 naming the field, oversized bodies 413, and store nothing")
    func badRequests() async throws {
        try await withServer { store, base in
            let cases: [(String, String)] = [
                (#"{"call_id":"x"}"#, "kind"),
                (#"{"kind":"prank","call_id":"x"}"#, "kind"),
                (#"{"kind":"threat"}"#, "call_id"),
                (#"{"kind":"threat","extension":"1001","within":"forever"}"#, "within"),
                (#"{"kind":"suicide-threat","call_id":"x","block":true}"#, "block"),
                (#"{"kind":"threat","call_id":"x","block":"maybe"}"#, "block"),
                (#"{"kind":"threat","call_id":"x","sip_headers":"Privacy: id"}"#, "sip_headers"),
                (#"[1,2"#, "body"),
            ]
            for (body, field) in cases {
                let (status, json) = try await send(.POST, base + "/v1/mcid", body: body)
                #expect(status == 400, "\(body)")
                #expect(json["error"] as? String == field, "\(body)")
            }
            let huge = try await send(.POST, base + "/v1/mcid", body: "{\"note\":\"" + String(repeating: "x", count: 70_000) + "\"}")
            #expect(huge.status == 413)
            let recording = try await send(.POST, base + "/v1/recordings", body: #"{"call_id":"1700000600.12","uri":"javascript:alert(1)"}"#)
            #expect(recording.status == 400)
            for uri in ["file:///etc/shadow", "http://recordings.example/a.wav", "sftp://recordings.example/a.wav"] {
                let refused = try await send(.POST, base + "/v1/recordings", body: #"{"call_id":"1700000600.12","uri":"\#(uri)"}"#)
                #expect(refused.status == 400, "\(uri): only the configured schemes (https by default)")
            }
            // A newline in `by` would forge a whole log or journal line: refused.
            let forged = try await send(
                .POST, base + "/v1/mcid",
                body: #"{"kind":"threat","call_id":"1700000600.12","by":"alice\n2026-01-01T00:00:00+0000 critical callwarden : incident closed"}"#)
            #expect(forged.status == 400)
            #expect(forged.json["error"] as? String == "by")
            #expect(try store.incidents(limit: 10).isEmpty)
            let attached = try await send(
                .POST, base + "/v1/recordings", body: #"{"call_id":"1700000600.12","uri":"https://recordings.example/1700000600.12.wav"}"#)
            #expect(attached.status == 201)
            #expect(try store.recordings(limit: 10).map(\.origin) == [.uri])
        }
    }

    @Test("with bearer tokens configured, a request without a valid one is refused with 401")
    func bearerTokens() async throws {
        try await withServer(tokens: ["s3cret-token"]) { (store: SQLiteStore, base: String) async throws in
            #expect(try await send(.GET, base + "/v1/incidents").status == 401)
            #expect(try await send(.GET, base + "/v1/incidents", token: "wrong-token!").status == 401)
            #expect(try await send(.GET, base + "/v1/incidents", token: "s3cret-token").status == 200)
            #expect(try await send(.POST, base + "/v1/mcid", body: #"{"kind":"threat","call_id":"1700000600.12"}"#).status == 401)
            #expect(try store.incidents(limit: 10).isEmpty)
        }
    }

    @Test("the handlers' store work runs on the store executor, not on the cooperative pool")
    func storeCallsOnTheirOwnExecutor() async throws {
        let executor = CountingSerialExecutor()
        try await withServer(storeExecutor: executor) { (store: SQLiteStore, base: String) async throws in
            #expect(executor.jobsRun == 0)
            #expect(try await send(.GET, base + "/v1/incidents").status == 200)
            #expect(executor.jobsRun > 0)
        }
    }
}

/// A task executor on a serial dispatch queue that counts the jobs it ran (stands in for the
/// daemon's `ThreadExecutor`, which lives in a module these tests do not import).
final class CountingSerialExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "test.incidents-store")
    private let lock = NSLock()
    private var jobs = 0

    var jobsRun: Int { lock.withLock { jobs } }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async {
            self.lock.withLock { self.jobs += 1 }
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
