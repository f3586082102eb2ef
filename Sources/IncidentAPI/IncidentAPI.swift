/// # IncidentAPI
///
/// The HTTP routes for incidents, MCID flags and external recordings (``IncidentRoutes``), to
/// mount on any Hummingbird router (the decision service's, or ``IncidentHTTPServer``'s own).
///
/// Allowed imports: CallModel, Incidents, Hummingbird, HTTPTypes, NIOCore, Logging, Foundation
/// (JSON and form decoding only).
