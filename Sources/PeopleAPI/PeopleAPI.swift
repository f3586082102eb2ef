/// # PeopleAPI
///
/// The people's listener (`api.listen`): the HTTP API that ops, security and admins use instead of
/// a root shell, and the ground the console (`Console`) stands on.
///
/// - ``AccessPolicy``: the permission matrix of the five roles (``AccessRole``: four people's, and a PBX's that may only flag calls).
/// - ``AccessTokenText``: making, reading and hashing tokens (only the hash is stored).
/// - ``Authenticator``: a request's bearer token or console session → ``AuthenticatedCaller``, with
///   ``FailedAuthenticationLimiter`` (per client address) and ``ConsoleSessions``.
/// - ``PeopleEndpoint`` and ``PeopleRouter``: every route with the permission it needs, registered
///   behind the authentication; ``PeopleRouter/registeredRoutes`` is what the OpenAPI test compares
///   with `docs/openapi.yaml`.
/// - ``RuleEndpoints``, ``ReadEndpoints`` (detections, statistics, audit), ``TokenEndpoints``, and the
///   incident endpoints of `IncidentAPI` mounted with their roles (``IncidentEndpointRoles``).
/// - ``PeopleHTTPServer``: the Hummingbird application.
///
/// Allowed imports: CallModel, CallwardenPorts, Incidents, IncidentAPI, Hummingbird, HTTPTypes,
/// NIOCore, Crypto (SHA-256), Logging, Foundation (JSON), Synchronization.
