/// # AlertDelivery
///
/// Drains the alert outbox (``AlertOutbox``) into sinks: a signed webhook (Standard Webhooks),
/// Prometheus Alertmanager's v2 API, and the journal (the daemon's log). Each sink keeps its own
/// place in the outbox in the store: an alert is marked for a sink only after its receiver
/// confirmed it, so a receiver that is down gets everything once it is back and a restart of
/// Callwarden loses nothing.
///
/// ``AlertDeliveryCounters`` counts deliveries, refusals and the backlog per sink for `/metrics`.
///
/// Allowed imports: CallModel, Incidents, MetricsExposition, AsyncHTTPClient, Crypto, NIOCore, Logging,
/// ServiceLifecycle, Foundation (JSON encoding and base64 only).
