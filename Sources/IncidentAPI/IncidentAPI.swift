/// # IncidentAPI
///
/// The HTTP endpoints for incidents, MCID flags and external recordings (``IncidentRoutes``),
/// served by the people's `api` listener (`PeopleAPI`), which authenticates the caller, checks its
/// role per ``IncidentOperation`` and hands each handler an ``IncidentCaller``.
///
/// Allowed imports: CallModel, Incidents, Hummingbird, HTTPTypes, NIOCore, Logging, Foundation
/// (JSON and form decoding only).
