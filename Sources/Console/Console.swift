/// # Console
///
/// The web console at `/ui/` on the people's listener: server-rendered HTML, no outside assets,
/// no scripts (the core actions are plain forms), every text escaped by Unicode scalar
/// (`InertText.html`), a Content-Security-Policy allowing only the one style block by its hash.
///
/// - ``ConsolePages``: the login, logout and blocked-numbers pages as ``PeopleEndpoint``s.
/// - ``ConsoleHTML``: the page frame, the policy and the escaping.
///
/// Logging in takes a token (the same as the API's) and sets a session cookie (`HttpOnly`,
/// `SameSite=Strict`, `Secure` behind a TLS proxy); every form carries the session's CSRF token.
/// `Authorization: Bearer` works on the pages too (scripts).
///
/// Deliberately not handled yet: the review queue, incidents, MCID, audit and prevention pages;
/// Finnish and Swedish; times in the deployment's zone (UTC for now).
///
/// Allowed imports: CallModel, CallwardenPorts, IncidentAPI, PeopleAPI, Hummingbird, HTTPTypes,
/// NIOCore, Crypto (the policy's hash).
