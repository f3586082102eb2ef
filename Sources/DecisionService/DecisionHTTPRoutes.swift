package import Hummingbird
import HTTPTypes
import ListenerGuards
package import MetricsExposition
import NIOCore

/// The decision service's HTTP routes:
///
/// - `GET /v1/decision?caller=...&callee=...&callid=...[&pai=...&name=...&restricted=1&dry_run=1]`
/// - `POST /v1/decision` with `{"caller":..,"callee":..,"callid":..}` (see ``DecisionRequestBody``);
///   `dry_run=1` in its query string or `"dry_run":true` in the body
///
/// `dry_run` answers exactly as for the PBX and records nothing: no event stored, no call counted,
/// not in `callwarden_decisions_total` (``QuestionRecording/answerOnly(_:)``, counted in
/// `callwarden_decision_unrecorded_total{reason="dry_run"}`), for ops testing a number and for
/// monitoring.
/// - `GET /healthz` → `200 ok`
/// - `GET /metrics` → Prometheus text: every source of the daemon's ``MetricsExposition/MetricsRegistry``
///   (``MetricsRoutes``), or only ``DecisionMetrics`` when no registry is given
///
/// Answers `{"action","target","reason","rule","callid"}`; a bad request gets 400 (413 for an
/// oversized body) with `{"error","parameter","message"}`. The decision itself is synchronous; the
/// only await is reading a POST body.
///
/// Whom it believes: ``CallScreener/trust`` judges each question by the peer's address and its
/// `Authorization: Bearer` token (``QuestionTrust``); a question from anyone but an authenticated
/// PBX is answered all the same, but neither stored nor counted, and its `pai` is ignored.
/// Deliberately not handled: TLS, and logging per request.
package enum DecisionHTTPRoutes {
    /// The router with all routes, answering through `screener`; `/metrics` renders `metrics`
    /// (nil: a registry of the screener's own ``DecisionMetrics``).
    package static func router(screener: CallScreener, metrics: MetricsRegistry? = nil) -> Router<DecisionRequestContext> {
        let router = Router(context: DecisionRequestContext.self)
        router.get("v1/decision") { request, context -> Response in
            screener.metrics.countRequest(.http)
            return answer(
                query(fromQueryOf: request), recording: recording(of: request), from: source(of: request, context, screener),
                screener: screener)
        }
        router.post("v1/decision") { request, context -> Response in
            screener.metrics.countRequest(.http)
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: DecisionRequestBody.maximumBytes)
            } catch {
                screener.metrics.countBadRequest(.http)
                let problem = DecisionQueryProblem(
                    parameter: "body", reason: "is longer than \(DecisionRequestBody.maximumBytes) bytes or was cut off")
                return json(.contentTooLarge, DecisionJSON.error(problem))
            }
            let parsed = DecisionRequestBody.parse(Array(body.readableBytesView))
            var recording = recording(of: request)
            if case .success(let parsedBody) = parsed, parsedBody.isDryRun { recording = .answerOnly(.dryRun) }
            return answer(parsed.map(\.query), recording: recording, from: source(of: request, context, screener), screener: screener)
        }
        MetricsRoutes.add(to: router, registry: metrics ?? MetricsRegistry([screener.metrics]))
        return router
    }

    /// How the question is to be recorded: only answered with `dry_run=1` (or `true`, `yes`) in
    /// the query string.
    static func recording(of request: Request) -> QuestionRecording {
        guard let flag = request.uri.queryParameters["dry_run"] else { return .record }
        switch flag.lowercased() {
        case "1", "true", "yes": return .answerOnly(.dryRun)
        default: return .record
        }
    }

    /// The query parameters as a raw query, or the first missing parameter.
    static func query(fromQueryOf request: Request) -> Result<RawDecisionQuery, DecisionQueryProblem> {
        let parameters = request.uri.queryParameters
        guard let caller = parameters["caller"] else {
            return .failure(DecisionQueryProblem(parameter: "caller", reason: "is missing"))
        }
        guard let callee = parameters["callee"] else {
            return .failure(DecisionQueryProblem(parameter: "callee", reason: "is missing"))
        }
        var restricted = false
        if let flag = parameters["restricted"] {
            switch flag.lowercased() {
            case "1", "true", "yes": restricted = true
            case "0", "false", "no", "": restricted = false
            default: return .failure(DecisionQueryProblem(parameter: "restricted", reason: "must be 1 or 0"))
            }
        }
        return .success(
            RawDecisionQuery(
                caller: String(caller), callee: String(callee), callID: parameters["callid"].map(String.init),
                assertedIdentity: parameters["pai"].map(String.init), callerName: parameters["name"].map(String.init),
                presentationRestricted: restricted))
    }

    /// Who asked: the peer's address and the bearer token it presented, judged by the trust in force.
    private static func source(of request: Request, _ context: DecisionRequestContext, _ screener: CallScreener) -> QuestionSource {
        let token = BearerToken.presented(in: request.headers[.authorization])
        return screener.trust.judge(peer: context.remoteAddress, presented: .httpToken(token))
    }

    /// Answers a question; `dry_run` answers only whoever asks, otherwise `source` decides whether
    /// the question is recorded (only from an authenticated PBX) and whether its `pai` is believed.
    private static func answer(
        _ parsed: Result<RawDecisionQuery, DecisionQueryProblem>, recording: QuestionRecording, from source: QuestionSource,
        screener: CallScreener
    ) -> Response {
        let query: RawDecisionQuery
        switch parsed {
        case .success(let parsedQuery): query = parsedQuery
        case .failure(let problem):
            screener.metrics.countBadRequest(.http)
            return json(.badRequest, DecisionJSON.error(problem))
        }
        if let problem = query.problem() {
            screener.metrics.countBadRequest(.http)
            return json(.badRequest, DecisionJSON.error(problem))
        }
        let effective = recording == .record ? source.recording : recording
        let outcome = screener.screen(query, recording: effective, believingAssertedIdentity: source.believesAssertedIdentity)
        return json(.ok, DecisionJSON.decision(outcome))
    }

    private static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        text(status, body, contentType: "application/json")
    }

    static func text(_ status: HTTPResponse.Status, _ body: String, contentType: String) -> Response {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
