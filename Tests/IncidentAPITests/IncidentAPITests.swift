import AsyncHTTPClient
import CallModel
import CallwardenPorts
import Foundation
import Hummingbird
import IncidentAPI
import PeopleAPI
import Synchronization
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

    /// The token `send` uses unless told otherwise: a `security` token made by ``withServer``.
    @TaskLocal static var defaultToken: String?

    /// Serves the incident endpoints on the people's listener on a free loopback port for the
    /// duration of `body`, with a `security` token (``defaultToken``) and a `viewer` token.
    private func withServer(
        storeExecutor: (any TaskExecutor)? = nil, _ body: (SQLiteStore, String) async throws -> Void
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
        let security = try AccessTokenIssuer.issue(name: "sec", role: .security, actor: "test", at: Self.now, store: store)
        let viewer = try AccessTokenIssuer.issue(name: "reception", role: .viewer, actor: "test", at: Self.now, store: store)
        Self.viewerToken.withLock { $0 = viewer.text }
        let routes = IncidentRoutes(store: store, crisisLine: "+442079460999", clock: .fixed(Self.now), storeExecutor: storeExecutor)
        let server = PeopleHTTPServer(
            store: store, plan: .unitedKingdom, incidentRoutes: routes, authenticator: Authenticator(store: store),
            clock: .fixed(Self.now), storeExecutor: storeExecutor, logger: Logger(label: "test.api"))
        let port = AsyncStream<Int>.makeStream()
        let app = server.application(
            host: "127.0.0.1", port: 0, logger: Logger(label: "test.api"),
            onServerRunning: { channel in port.continuation.yield(channel.localAddress?.port ?? 0) })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { task.cancel() }
        var base = ""
        for await bound in port.stream {
            base = "http://127.0.0.1:\(bound)"
            break
        }
        try await Self.$defaultToken.withValue(security.text) { try await body(store, base) }
        task.cancel()
        _ = await task.result
    }

    static let viewerToken = Mutex<String>("")

    private func send(
        _ method: HTTPMethod, _ url: String, body: String? = nil, contentType: String = "application/json",
        token: String? = IncidentAPITests.defaultToken
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
                body: #"{"extension":"1001","within":"10m","kind":"bomb-threat","redirect":true,"source_address":"198.51.100.7:5060","sip_headers":{"Privacy":"id"}}"#)
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

    @Test("the form body Asterisk's CURL() posts works with a PBX credential; the lifecycle and notes go through the API")
    func formBodyAndLifecycle() async throws {
        try await withServer { store, base in
            let pbx = try AccessTokenIssuer.issue(name: "asterisk", role: .pbx, actor: "test", at: Self.now, store: store)
            let (status, json) = try await send(
                .POST, base + "/v1/mcid", body: "call_id=1700000600.12&kind=threat&note=threatened+me",
                contentType: "application/x-www-form-urlencoded", token: pbx.text)
            #expect(status == 201)
            let id = try #require(json["incident"] as? Int)
            #expect(try await send(.POST, base + "/v1/incidents/\(id)/status", body: #"{"status":"ack"}"#).status == 200)
            #expect(try await send(.POST, base + "/v1/incidents/\(id)/notes", body: #"{"note":"police informed"}"#).status == 201)
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
            let flag = try #require(try store.timeline(incidentID: Int64(id))?.flags.first)
            #expect(flag.note == "threatened me")
            #expect(flag.flaggedBy == "token:asterisk")
        }
    }

    /// Two more calls to 1001 in the window: one rang there (no answer), one was rejected by a
    /// block (its decision question and a failed CDR: it never reached 1001).
    static func moreCallsTo1001(_ store: SQLiteStore) throws {
        var batch = IngestBatch()
        batch.events = [
            CallEvent(
                time: Timestamp(secondsSinceEpoch: 1_700_000_760), callID: "1700000700.13", source: .asteriskCSV,
                phase: .ended, disposition: .noAnswer, callStart: Timestamp(secondsSinceEpoch: 1_700_000_700),
                caller: CallerIdentity(raw: "07700900456", number: E164Number(e164: "+447700900456")),
                callee: CalledParty(raw: "1001", key: "1001")),
            CallEvent(
                time: Timestamp(secondsSinceEpoch: 1_700_000_800), callID: "blocked-1", source: .decisionRequest,
                phase: .started, caller: CallerIdentity(raw: "07700900789", number: E164Number(e164: "+447700900789")),
                callee: CalledParty(raw: "1001", key: "1001")),
            CallEvent(
                time: Timestamp(secondsSinceEpoch: 1_700_000_801), callID: "blocked-1", source: .asteriskCSV,
                phase: .failed, disposition: .rejected, callStart: Timestamp(secondsSinceEpoch: 1_700_000_800),
                caller: CallerIdentity(raw: "07700900789", number: E164Number(e164: "+447700900789")),
                callee: CalledParty(raw: "1001", key: "1001")),
        ]
        try store.commit(batch)
    }

    @Test("MCID by extension: a rejected call is never a candidate; several that reached it give 409 with them; latest picks the newest")
    func mcidAmbiguity() async throws {
        try await withServer { store, base in
            try Self.moreCallsTo1001(store)
            let ambiguous = try await send(.POST, base + "/v1/mcid", body: #"{"extension":"1001","within":"10m","kind":"threat"}"#)
            #expect(ambiguous.status == 409)
            let candidates = try #require(ambiguous.json["candidates"] as? [[String: Any]])
            #expect(candidates.compactMap { $0["call_id"] as? String } == ["1700000700.13", "1700000600.12"])
            #expect(candidates.first?["caller"] as? String == "+447700900456")
            #expect(try store.incidents(status: nil, limit: 10).isEmpty, "nothing flagged")

            let latest = try await send(
                .POST, base + "/v1/mcid", body: #"{"extension":"1001","within":"10m","kind":"threat","latest":true}"#)
            #expect(latest.status == 201)
            #expect(latest.json["call_id"] as? String == "1700000700.13")

            // It named the wrong call: withdrawn, audited, kept on record.
            let flagID = try #require(latest.json["flag"] as? Int)
            let withdrawn = try await send(
                .POST, base + "/v1/mcid/\(flagID)/withdraw", body: #"{"reason":"meant the call before"}"#)
            #expect(withdrawn.status == 200)
            let incidentID = try #require(latest.json["incident"] as? Int)
            let flag = try #require(try store.timeline(incidentID: Int64(incidentID))?.flags.first)
            #expect(flag.withdrawal?.actor == "token:sec")
            #expect(flag.withdrawal?.reason == "meant the call before")
            #expect(try store.auditLog(since: nil, limit: 10).contains { $0.action == "mcid.withdraw" && $0.actor == "token:sec" })
            let again = try await send(.POST, base + "/v1/mcid/\(flagID)/withdraw", body: #"{"reason":"twice"}"#)
            #expect(again.status == 400)
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
            // `by` no longer names the actor (the token does): refused, whatever it holds.
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

    @Test("without a valid token 401; a viewer lists incidents with a withheld identity masked whole and may not flag or open one (403)")
    func tokensAndRoles() async throws {
        try await withServer { (store: SQLiteStore, base: String) async throws in
            let flagged = try await send(.POST, base + "/v1/mcid", body: #"{"kind":"threat","call_id":"1700000600.12"}"#)
            #expect(flagged.status == 201)
            let id = try #require(flagged.json["incident"] as? Int)
            #expect(try await send(.GET, base + "/v1/incidents", token: nil).status == 401)
            #expect(try await send(.GET, base + "/v1/incidents", token: "cw_0000000000000000_" + String(repeating: "0", count: 64)).status == 401)
            let viewer = Self.viewerToken.withLock { $0 }
            let listed = try await send(.GET, base + "/v1/incidents", token: viewer)
            #expect(listed.status == 200)
            let identity = (listed.json["incidents"] as? [[String: Any]])?.first?["identity"] as? String
            #expect(identity == "withheld")  // the caller withheld the number: nothing of it for a viewer
            #expect(try await send(.GET, base + "/v1/incidents/\(id)", token: viewer).status == 403)
            #expect(try await send(.POST, base + "/v1/mcid", body: #"{"kind":"threat","call_id":"1700000600.12"}"#, token: viewer).status == 403)
            let shown = try await send(.GET, base + "/v1/incidents/\(id)")
            #expect(shown.json["identity"] as? String == Self.caller.description)
            // The flag's actor is the token's name; the detail view is audited with it.
            #expect((shown.json["log"] as? [[String: Any]] ?? []).contains { $0["by"] as? String == "token:sec" })
            let audit = try store.auditLog(since: nil, limit: 10)
            #expect(audit.contains { $0.action == "incident.view" && $0.actor == "token:sec" && $0.subject == "incident \(id)" })
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
