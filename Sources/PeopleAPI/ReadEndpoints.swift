package import CallModel
package import CallwardenPorts
import Foundation
import Hummingbird
import IncidentAPI

/// Read-only endpoints:
///
/// - `GET /v1/detections?limit=100`: detection episodes, most recent first (numbers masked
///   without ``Permission/seeNumbers``).
/// - `GET /v1/statistics`: the store's totals.
/// - `GET /v1/audit?since=2026-12-01T00:00:00Z&limit=100` (admin): the audit log, newest first;
///   `since` is an RFC 3339 time or a duration back from now (`24h`).
///
/// Call search is `CallSearchEndpoints`. Deliberately not handled yet: the prevention statistics over JSON.
package struct ReadEndpoints: Sendable {
    package var store: any DetectionStore & EventStore & AccessTokenStore
    package var clock: WallClock
    package var work: EndpointWork

    package init(store: any DetectionStore & EventStore & AccessTokenStore, clock: WallClock, work: EndpointWork) {
        self.store = store
        self.clock = clock
        self.work = work
    }

    package var endpoints: [PeopleEndpoint] {
        [
            PeopleEndpoint(.get, "/v1/detections", .token(.readSummaries)) { request, _, _, caller in
                await work.json(request, readsBody: false) { _ in
                    let limit = try QueryValues.int(request.uri.queryParameters, "limit", default: 100, range: 1...1_000)
                    let detections = try work.perform { try store.detections(limit: limit) }
                    return (200, ["detections": detections.map { Self.json($0, seesNumbers: caller!.may(.seeNumbers)) }])
                }
            },
            PeopleEndpoint(.get, "/v1/statistics", .token(.readSummaries)) { request, _, _, _ in
                await work.json(request, readsBody: false) { _ in
                    let totals = try work.perform { try store.statistics() }
                    return (200, [
                        "events": totals.events, "calls": totals.calls, "detections": totals.detections, "rules": totals.rules,
                        "malformed": totals.malformed,
                    ])
                }
            },
            PeopleEndpoint(.get, "/v1/audit", .token(.readAudit)) { request, _, _, _ in
                await work.json(request, readsBody: false) { _ in
                    let query = request.uri.queryParameters
                    let limit = try QueryValues.int(query, "limit", default: 100, range: 1...1_000)
                    var since: Timestamp?
                    if let text = query["since"] { since = try Self.time(String(text), now: clock.now()) }
                    let entries = try work.perform { try store.auditLog(since: since, limit: limit) }
                    return (200, [
                        "entries": entries.map {
                            ["time": $0.time.rfc3339, "actor": $0.actor, "action": $0.action, "subject": $0.subject, "detail": $0.detail]
                        },
                    ])
                }
            },
        ]
    }

    static func time(_ text: String, now: Timestamp) throws(APIProblem) -> Timestamp {
        guard let time = AuditTime.parse(text, now: now) else {
            throw APIProblem(status: 400, field: "since", message: "must be an RFC 3339 time or a duration such as 24h")
        }
        return time
    }

    static func json(_ detection: Detection, seesNumbers: Bool) -> [String: Any] {
        let show: (E164Number) -> String = { seesNumbers ? $0.description : $0.masked }
        var json: [String: Any] = [
            "kind": detection.kind.rawValue, "callers": detection.callers.map(show), "target": detection.target,
            "calls": detection.calls, "first": detection.first.rfc3339, "last": detection.last.rfc3339,
            "action": detection.action.rawValue,
        ]
        if let caller = detection.caller { json["caller"] = show(caller) }
        if let expires = detection.actionExpires { json["action_expires"] = expires.rfc3339 }
        return json
    }
}

/// `since` as people write it: an RFC 3339 time, or a duration back from now (`24h`, `7d`).
package enum AuditTime {
    package static func parse(_ text: String, now: Timestamp) -> Timestamp? {
        if let span = TimeSpan(parsing: text), span.microseconds > 0 { return now - span }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var date = formatter.date(from: text)
        if date == nil {
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            date = formatter.date(from: text)
        }
        return date.map { Timestamp(microsecondsSinceEpoch: Int64(($0.timeIntervalSince1970 * 1_000_000).rounded())) }
    }
}
