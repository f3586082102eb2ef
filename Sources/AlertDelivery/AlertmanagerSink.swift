package import AsyncHTTPClient
package import Incidents

/// Posts alerts to Prometheus Alertmanager's v2 API (`POST <url>/api/v2/alerts`, a JSON array of
/// postable alerts). One Alertmanager alert per incident, identified by its labels (`alertname`
/// `CallwardenIncident`, `incident`, `kind`, `severity`, `target`); the rest (caller, status,
/// what happened, the idempotency key) goes in annotations. Active alerts are re-sent every
/// ``resendInterval`` so that Alertmanager does not resolve them by its `resolve_timeout`; closing
/// the incident sends `endsAt`.
///
/// Deliberately not handled: several Alertmanagers of a cluster (list one sink per instance) and
/// authentication (put a proxy in front).
package struct AlertmanagerSink: AlertSink {
    package var name: String
    /// The Alertmanager's base URL, e.g. `http://127.0.0.1:9093`.
    package var url: String
    package var showNumbers: Bool
    package var resendInterval: Duration?
    /// Where `generatorURL` points (`<base>/v1/incidents/<id>`); nil: no back-link.
    package var generatorBaseURL: String?
    package var timeout: Duration
    private let client: HTTPClient

    package init(
        name: String, url: String, showNumbers: Bool = false, resendInterval: Duration = .seconds(60),
        generatorBaseURL: String? = nil, timeout: Duration = .seconds(10), client: HTTPClient = .alerts
    ) {
        self.name = name
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.showNumbers = showNumbers
        self.resendInterval = resendInterval
        self.generatorBaseURL = generatorBaseURL
        self.timeout = timeout
        self.client = client
    }

    package var batchSize: Int { 64 }

    package func deliver(_ notices: [AlertNotice]) async throws(AlertDeliveryError) {
        try await post(Self.latestPerIncident(notices))
    }

    package func resend(_ active: [AlertNotice]) async throws(AlertDeliveryError) {
        try await post(Self.latestPerIncident(active))
    }

    private func post(_ notices: [AlertNotice]) async throws(AlertDeliveryError) {
        guard !notices.isEmpty else { return }
        let alerts = notices.map {
            AlertPayloads.alertmanager($0, showNumbers: showNumbers, generatorBaseURL: generatorBaseURL)
        }
        try await HTTPPost.send(
            try AlertPayloads.encode(alerts), to: url + "/api/v2/alerts", headers: [], timeout: timeout, client: client,
            receiver: name)
    }

    /// Alertmanager keeps one state per alert: of several notices of one incident only the last
    /// says what is true now (a resolve after its firing).
    static func latestPerIncident(_ notices: [AlertNotice]) -> [AlertNotice] {
        var latest: [Int64: AlertNotice] = [:]
        for notice in notices where (latest[notice.incidentID]?.id ?? Int64.min) < notice.id {
            latest[notice.incidentID] = notice
        }
        return latest.values.sorted { $0.id < $1.id }
    }
}
