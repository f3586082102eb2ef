package import AsyncHTTPClient
package import CallModel
package import Incidents

/// Posts each alert as signed JSON (Standard Webhooks: `webhook-id` is the alert's idempotency
/// key, `webhook-timestamp` the send time in Unix seconds, `webhook-signature: v1,<base64>`).
///
/// A receiver must treat a repeated `webhook-id` as a duplicate: delivery is at least once (an
/// answer lost on the way back makes the alert go again). Numbers are masked unless
/// ``showNumbers``. Deliberately not handled: redirects to another host and mutual TLS.
package struct WebhookSink: AlertSink {
    package var name: String
    package var url: String
    package var signer: StandardWebhookSignature
    package var showNumbers: Bool
    package var timeout: Duration
    private let client: HTTPClient
    private let clock: WallClock

    package init(
        name: String, url: String, signer: StandardWebhookSignature, showNumbers: Bool = false,
        timeout: Duration = .seconds(10), client: HTTPClient = .alerts, clock: WallClock
    ) {
        self.clock = clock
        self.name = name
        self.url = url
        self.signer = signer
        self.showNumbers = showNumbers
        self.timeout = timeout
        self.client = client
    }

    package var batchSize: Int { 1 }

    package func deliver(_ notices: [AlertNotice]) async throws(AlertDeliveryError) {
        for notice in notices {
            let body = try AlertPayloads.encode(AlertPayloads.webhook(notice, showNumbers: showNumbers))
            let timestamp = clock.now().secondsSinceEpoch
            try await HTTPPost.send(
                body, to: url,
                headers: [
                    ("webhook-id", notice.key),
                    ("webhook-timestamp", String(timestamp)),
                    ("webhook-signature", signer.signature(id: notice.key, timestamp: timestamp, body: body)),
                ],
                timeout: timeout, client: client, receiver: name)
        }
    }
}
