package import CallModel
import Foundation
import HTTPTypes
package import Hummingbird
package import Incidents
package import Logging
package import SystemClock
import NIOCore

/// The incident endpoints, served by the people's `api` listener (`PeopleAPI`, which authenticates
/// the caller, checks the role and hands each handler an ``IncidentCaller``):
///
/// - `POST /v1/mcid`: flag a call as malicious (``MCIDRequest``). Fields (JSON or form):
///   `kind` (required: threat, bomb-threat, suicide-threat, harassment, ...), `call_id` — or
///   `extension` with `within` (default ``mcidWindow``) for "the last call to this extension" —,
///   `note`, `block`, `redirect`, `rule_duration`, `source_address`, `sip_headers`. Answers 201 with
///   the incident, whether the flag opened it, the call found, the rules added and the alert key.
/// - `GET /v1/incidents?status=open&limit=50`, `GET /v1/incidents/{id}` (with its timeline counts).
/// - `POST /v1/incidents/{id}/status` (`status`, `note`) and `POST /v1/incidents/{id}/notes`.
/// - `POST /v1/recordings`: attach an external recording URI (`call_id`, `uri`, optional `sha256`).
///
/// Who did it is the caller's credential (``IncidentCaller/actor``), never a field: a body with
/// `by` is refused (400), so that nobody can write another name into the incident's log.
/// Errors are `{"error": field, "message": ...}` with 400, 404, 409 or 413.
/// Deliberately not handled here: authentication and roles (the listener's), TLS, and logging per
/// request; numbers are never logged.
package struct IncidentRoutes: Sendable {
    package var store: any IncidentStore & RecordingStore
    /// Where a redirect added by an MCID flag sends the caller (`response.crisis_line`).
    package var crisisLine: String?
    /// The schemes `POST /v1/recordings` accepts (`recordings.uri_schemes`, https by default);
    /// `file` never: a path on this host is not evidence anyone else can fetch or check.
    package var recordingURISchemes: Set<String>
    /// How far back "the last call to this extension" looks when the request gives no `within`.
    package var mcidWindow: TimeSpan
    /// Processing time (the daemon's injected clock; the system clock by default).
    package var clock: WallClock
    /// Where store failures are logged (never a request's content).
    package var logger: Logger
    /// Where the handlers' blocking store calls run: in the daemon a thread of its own
    /// (`Ingest.ThreadExecutor`), so no SQLite call holds a cooperative pool thread; nil: the
    /// caller's executor.
    package var storeExecutor: (any TaskExecutor)?

    package init(
        store: any IncidentStore & RecordingStore, crisisLine: String?,
        recordingURISchemes: Set<String> = ["https"], mcidWindow: TimeSpan = .minutes(10), clock: WallClock = .system,
        logger: Logger = Logger(label: "callwarden.incidents"), storeExecutor: (any TaskExecutor)? = nil
    ) {
        self.logger = logger
        self.storeExecutor = storeExecutor
        self.store = store
        self.crisisLine = crisisLine
        self.recordingURISchemes = recordingURISchemes.subtracting(["file"])
        self.mcidWindow = mcidWindow
        self.clock = clock
    }

    /// Every incident endpoint, for the listener to mount behind its authentication.
    package var endpoints: [IncidentEndpoint] {
        [
            IncidentEndpoint(method: .post, path: "/v1/mcid", operation: .flagCall) { request, _, caller in
                await handle(request) { try flag($0, caller) }
            },
            IncidentEndpoint(method: .post, path: "/v1/mcid/{id}/withdraw", operation: .withdrawFlag) { request, id, caller in
                await handle(request) { try withdraw(id, $0, caller) }
            },
            IncidentEndpoint(method: .get, path: "/v1/incidents", operation: .listIncidents) { request, _, caller in
                await handle(request, readsBody: false) { _ in try list(request.uri.queryParameters, caller) }
            },
            IncidentEndpoint(method: .get, path: "/v1/incidents/{id}", operation: .showIncident) { request, id, caller in
                await handle(request, readsBody: false) { _ in try show(id, caller) }
            },
            IncidentEndpoint(method: .post, path: "/v1/incidents/{id}/status", operation: .changeStatus) { request, id, caller in
                await handle(request) { try changeStatus(id, $0, caller) }
            },
            IncidentEndpoint(method: .post, path: "/v1/incidents/{id}/notes", operation: .addNote) { request, id, caller in
                await handle(request) { try addNote(id, $0, caller) }
            },
            IncidentEndpoint(method: .post, path: "/v1/recordings", operation: .attachRecording) { request, _, caller in
                await handle(request) { try attachRecording($0, caller) }
            },
        ]
    }

    // MARK: - Handlers

    private func flag(_ body: APIRequestBody, _ caller: IncidentCaller) throws(APIProblem) -> (Int, [String: Any]) {
        let kind = try Self.kind(body.requiredString("kind"))
        let selector: MCIDCallSelector
        if let callID = try body.string("call_id"), !callID.isEmpty {
            selector = .callID(callID)
        } else if let callee = try body.string("extension"), !callee.isEmpty {
            selector = .lastCall(toExtension: callee, within: try Self.duration(body.string("within"), field: "within") ?? mcidWindow)
        } else {
            throw APIProblem(status: 400, field: "call_id", message: "or extension is required")
        }
        let request = MCIDRequest(
            call: selector, kind: kind, actor: try Self.actor(body, caller),
            note: try body.string("note") ?? "", time: clock.now(), sourceAddress: try body.string("source_address"),
            sipHeaders: try body.headers("sip_headers").map { SIPHeaderField(name: $0.0, value: $0.1) },
            addBlock: try body.bool("block"), addRedirect: try body.bool("redirect"),
            ruleDuration: try Self.duration(body.string("rule_duration"), field: "rule_duration"),
            latestOfSeveral: try body.bool("latest"))
        let result = try perform { () throws -> Result<MCIDOutcome, MCIDAmbiguousCall> in
            do {
                return .success(try store.flagMaliciousCall(request, crisisLine: crisisLine))
            } catch let ambiguous as MCIDAmbiguousCall {
                return .failure(ambiguous)
            }
        }
        let outcome: MCIDOutcome
        switch result {
        case .success(let flagged): outcome = flagged
        case .failure(let ambiguous):
            // Several calls reached the extension: nothing flagged; the client names one.
            return (409, [
                "error": "call_id", "message": "several calls reached the extension in the window; send call_id (or latest=true)",
                "candidates": ambiguous.candidates.map { candidate in
                    [
                        "call_id": candidate.callID, "start": candidate.start.rfc3339,
                        "caller": candidate.caller.number?.description ?? NSNull(),
                        "asserted_identity": candidate.caller.assertedIdentity?.description ?? NSNull(),
                        "disposition": candidate.disposition?.rawValue ?? NSNull(),
                    ] as [String: Any]
                },
            ])
        }
        return (201, [
            "incident": outcome.incident.id, "opened": outcome.openedIncident, "kind": outcome.incident.kind.rawValue,
            "severity": outcome.incident.severity.rawValue, "call_id": outcome.flag.callID, "flag": outcome.flag.id,
            "call_found": outcome.flag.call != nil, "rules": outcome.ruleIDs, "alert": outcome.alertKey,
        ])
    }

    private func withdraw(_ idText: String?, _ body: APIRequestBody, _ caller: IncidentCaller) throws(APIProblem) -> (Int, [String: Any]) {
        guard let idText, let id = Int64(idText), id > 0 else {
            throw APIProblem(status: 400, field: "id", message: "must be a positive whole number")
        }
        let withdrawal = MCIDWithdrawal(
            flagID: id, actor: try Self.actor(body, caller), reason: try body.requiredString("reason"), time: clock.now())
        let flag = try perform { try store.withdrawFlag(withdrawal) }
        return (200, ["flag": flag.id, "incident": flag.incidentID, "call_id": flag.callID, "withdrawn": true])
    }

    private func list(_ query: Parameters, _ caller: IncidentCaller) throws(APIProblem) -> (Int, [String: Any]) {
        var status: IncidentStatus?
        if let word = query["status"] {
            guard let parsed = IncidentStatus(word: String(word)) else {
                throw APIProblem(status: 400, field: "status", message: "must be open, acknowledged, reported or closed")
            }
            status = parsed
        }
        var limit = 50
        if let text = query["limit"] {
            guard let value = Int(text), (1...1_000).contains(value) else {
                throw APIProblem(status: 400, field: "limit", message: "must be 1–1000")
            }
            limit = value
        }
        let incidents = try perform { try store.incidents(status: status, limit: limit) }
        return (200, ["incidents": incidents.map { Self.json($0, seesNumbers: caller.seesNumbers) }])
    }

    private func show(_ idText: String?, _ caller: IncidentCaller) throws(APIProblem) -> (Int, [String: Any]) {
        let id = try Self.incidentID(idText)
        guard let timeline = try perform({ try store.timeline(incidentID: id) }) else {
            throw APIProblem(status: 404, field: "id", message: "no incident with id \(id)")
        }
        var json = Self.json(timeline.incident, seesNumbers: caller.seesNumbers)
        json["calls"] = timeline.calls.count
        json["detections"] = timeline.detections.count
        json["decisions"] = timeline.decisions.count
        json["mcid_flags"] = timeline.flags.count
        json["recordings"] = timeline.recordings.count
        json["log"] = timeline.log.map { ["time": $0.time.rfc3339, "by": $0.actor, "action": $0.action, "note": $0.note] }
        return (200, json)
    }

    private func changeStatus(_ idText: String?, _ body: APIRequestBody, _ caller: IncidentCaller) throws(APIProblem) -> (Int, [String: Any]) {
        let id = try Self.incidentID(idText)
        guard let status = IncidentStatus(word: try body.requiredString("status")) else {
            throw APIProblem(status: 400, field: "status", message: "must be acknowledged, reported or closed")
        }
        let actor = try Self.actor(body, caller)
        let note = try body.string("note") ?? ""
        let time = clock.now()
        let incident = try perform { try store.changeStatus(incidentID: id, to: status, actor: actor, note: note, at: time) }
        return (200, Self.json(incident, seesNumbers: caller.seesNumbers))
    }

    private func addNote(_ idText: String?, _ body: APIRequestBody, _ caller: IncidentCaller) throws(APIProblem) -> (Int, [String: Any]) {
        let id = try Self.incidentID(idText)
        let actor = try Self.actor(body, caller)
        let note = try body.requiredString("note")
        let time = clock.now()
        try perform { try store.addNote(incidentID: id, actor: actor, note: note, at: time) }
        return (201, ["incident": id])
    }

    private func attachRecording(_ body: APIRequestBody, _ caller: IncidentCaller) throws(APIProblem) -> (Int, [String: Any]) {
        let callID = try body.requiredString("call_id")
        let uri = try body.requiredString("uri")
        guard !InertText.containsControl(uri), let scheme = URL(string: uri)?.scheme?.lowercased(),
            recordingURISchemes.contains(scheme)
        else {
            throw APIProblem(
                status: 400, field: "uri", message: "must be a URI with one of the schemes " + recordingURISchemes.sorted().joined(separator: ", "))
        }
        let recording = NewRecording(
            callID: callID, location: uri, origin: .uri, size: nil, sha256: try body.string("sha256")?.lowercased(),
            recordedAt: nil, linkedAt: clock.now(), actor: try Self.actor(body, caller))
        let stored = try perform { try store.linkRecording(recording) }
        return (201, ["recording": stored.id, "call_id": stored.callID, "uri": stored.location])
    }

    // MARK: - Plumbing

    private func handle(
        _ request: Request, readsBody: Bool = true,
        _ body: (APIRequestBody) throws -> (Int, [String: Any])
    ) async -> Response {
        do {
            var parsed = try APIRequestBody(bytes: [], contentType: nil)
            if readsBody {
                let buffer: ByteBuffer
                do {
                    buffer = try await request.body.collect(upTo: APIRequestBody.maximumBytes)
                } catch {
                    throw APIProblem(status: 413, field: "body", message: "is longer than \(APIRequestBody.maximumBytes) bytes")
                }
                parsed = try APIRequestBody(bytes: Array(buffer.readableBytesView), contentType: request.headers[.contentType])
            }
            let (status, json) = try await withTaskExecutorPreference(storeExecutor) { try body(parsed) }
            return Self.response(status, json)
        } catch let problem as APIProblem {
            return Self.response(problem.status, ["error": problem.field, "message": problem.message])
        } catch {
            return Self.response(500, ["error": "server", "message": "unexpected failure"])
        }
    }

    private func perform<T>(_ work: () throws -> T) throws(APIProblem) -> T {
        do {
            return try work()
        } catch let error as IncidentChangeError {
            switch error {
            case .notFound: throw APIProblem(status: 404, field: "id", message: error.description)
            case .invalidTransition: throw APIProblem(status: 409, field: "status", message: error.description)
            case .invalidField(let field, let reason): throw APIProblem(status: 400, field: field, message: reason)
            }
        } catch {
            // Store errors carry SQLite's message, never a statement's arguments (no numbers).
            logger.error("incident API: store failure", metadata: ["error": "\(error)"])
            throw APIProblem(status: 500, field: "store", message: "the store failed; see the daemon's log")
        }
    }

    private static func kind(_ text: String) throws(APIProblem) -> IncidentKind {
        guard let kind = IncidentKind(rawValue: text.lowercased()) else {
            throw APIProblem(status: 400, field: "kind", message: "must be one of " + IncidentKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return kind
    }

    private static func duration(_ text: String?, field: String) throws(APIProblem) -> TimeSpan? {
        guard let text, !text.isEmpty else { return nil }
        guard let span = TimeSpan(parsing: text), span.microseconds > 0 else {
            throw APIProblem(status: 400, field: field, message: "must be a duration such as 90s, 10m or 7d")
        }
        return span
    }

    private static func incidentID(_ text: String?) throws(APIProblem) -> Int64 {
        guard let text, let id = Int64(text), id > 0 else {
            throw APIProblem(status: 400, field: "id", message: "must be a positive whole number")
        }
        return id
    }

    /// An incident as JSON; its caller's identity masked unless `seesNumbers` (an incident opened
    /// by a withheld caller carries the asserted identity, which only security may see).
    static func json(_ incident: Incident, seesNumbers: Bool) -> [String: Any] {
        [
            "id": incident.id, "kind": incident.kind.rawValue, "severity": incident.severity.rawValue,
            "status": incident.status.rawValue, "identity": seesNumbers ? incident.identity : incident.maskedIdentity,
            "target": incident.target,
            "opened_at": incident.openedAt.rfc3339, "updated_at": incident.updatedAt.rfc3339,
            "detection_count": incident.detectionCount,
            "transitions": incident.transitions.map {
                ["status": $0.status.rawValue, "by": $0.actor, "time": $0.time.rfc3339, "note": $0.note]
            },
        ]
    }

    private static func response(_ status: Int, _ json: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Who did it: the credential's name. A `by` field is refused rather than ignored, so that a
    /// client written for the old API learns that it no longer names the actor.
    private static func actor(_ body: APIRequestBody, _ caller: IncidentCaller) throws(APIProblem) -> String {
        if try body.string("by") != nil {
            throw APIProblem(status: 400, field: "by", message: "is not accepted: the actor is the name of the token used")
        }
        return caller.actor
    }
}
