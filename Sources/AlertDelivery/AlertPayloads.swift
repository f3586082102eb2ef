import CallModel
import Foundation
import Incidents

/// The JSON bodies the sinks send, built from an ``AlertNotice``. Keys are sorted, so the same
/// alert always gives the same bytes (what a signature covers).
enum AlertPayloads {
    /// The Standard Webhooks body: `{"type":"incident.opened","timestamp":...,"data":{...}}`.
    struct Webhook: Encodable {
        var type: String
        var timestamp: String
        var data: WebhookData
    }

    struct WebhookData: Encodable {
        var id: String
        var incident: Int64
        var event: String
        var kind: String
        var title: String
        var severity: String
        var status: String
        var caller: String
        var target: String
        var detail: String
        var startedAt: String
        var endedAt: String?
        var raisedAt: String

        enum CodingKeys: String, CodingKey {
            case id, incident, event, kind, title, severity, status, caller, target, detail
            case startedAt = "started_at", endedAt = "ended_at", raisedAt = "raised_at"
        }
    }

    /// One Alertmanager `postableAlert`.
    struct AlertmanagerAlert: Encodable {
        var labels: [String: String]
        var annotations: [String: String]
        var startsAt: String
        var endsAt: String?
        var generatorURL: String?
    }

    static func webhook(_ notice: AlertNotice, showNumbers: Bool) -> Webhook {
        Webhook(
            type: "incident." + notice.event.rawValue,
            timestamp: notice.createdAt.rfc3339,
            data: WebhookData(
                id: notice.key, incident: notice.incidentID, event: notice.event.rawValue, kind: notice.kind.rawValue,
                title: notice.kind.title, severity: notice.severity.rawValue, status: notice.status.rawValue,
                caller: showNumbers ? notice.identity : notice.maskedIdentity, target: notice.target,
                detail: notice.detail, startedAt: notice.startsAt.rfc3339, endedAt: notice.endsAt?.rfc3339,
                raisedAt: notice.createdAt.rfc3339))
    }

    /// The alert Alertmanager identifies by its labels: one per incident, stable for its life.
    static func alertmanager(_ notice: AlertNotice, showNumbers: Bool, generatorBaseURL: String?) -> AlertmanagerAlert {
        var endsAt: String?
        if let end = notice.endsAt, notice.isResolved {
            // Alertmanager refuses an end before the start; an incident closed "before" its first
            // call (clock skew between the PBX and us) ends one second after it started.
            endsAt = max(end, notice.startsAt + .seconds(1)).rfc3339
        }
        return AlertmanagerAlert(
            labels: [
                "alertname": "CallwardenIncident",
                "incident": String(notice.incidentID),
                "kind": notice.kind.rawValue,
                "severity": notice.severity.rawValue,
                "target": notice.target,
            ],
            annotations: [
                "summary": "\(notice.kind.title) (incident \(notice.incidentID), \(notice.status.label)), target \(notice.target)",
                "description": notice.detail,
                "caller": showNumbers ? notice.identity : notice.maskedIdentity,
                "status": notice.status.rawValue,
                "event": notice.event.rawValue,
                "idempotency_key": notice.key,
            ],
            startsAt: notice.startsAt.rfc3339,
            endsAt: endsAt,
            generatorURL: generatorBaseURL.map { $0 + "/v1/incidents/" + String(notice.incidentID) })
    }

    static func encode(_ value: some Encodable) throws(AlertDeliveryError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw .rejected("the alert cannot be encoded as JSON: \(error)")
        }
    }
}

