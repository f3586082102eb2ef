/// DecisionService: the transports the PBX asks on every call.
///
/// - HTTP (``DecisionHTTPServer``): `GET`/`POST /v1/decision`, `GET /healthz`, `GET /metrics`
///   (``MetricsRoutes``: the daemon's whole ``MetricsExposition/MetricsRegistry``; also served on a
///   listener of its own by ``MetricsHTTPServer`` when `metrics.http` is configured).
/// - FastAGI (``FastAGIServer``): Asterisk's `AGI(agi://host:4573)`, answered with
///   `SET VARIABLE CALLWARDEN_*` commands.
///
/// Both turn the PBX's raw numbers into a ``CallwardenPorts/DecisionRequest`` with the deployment's
/// ``CallModel/NumberPlan`` (``CallScreener``), ask a ``CallwardenPorts/CallDecider`` synchronously,
/// record the call as a ``CallModel/CallEvent`` through a ``DecisionEventSink`` (in the daemon, the ingest loop's bounded
/// `BoundedEventQueue`, which drops the newest event when full, and counts it) and count everything
/// in ``DecisionMetrics`` (a metrics source). Nothing here logs per request.
///
/// Fail-open is the PBX's side: the shipped Kamailio and Asterisk configurations put a short
/// timeout on the question and let the call through when Callwarden does not answer.
enum DecisionServiceModule {}
