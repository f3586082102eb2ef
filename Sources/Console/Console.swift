/// # Console
///
/// The web console at `/ui/` on the people's listener: server-rendered HTML, no outside assets,
/// no scripts (the core actions are plain forms), every text escaped by Unicode scalar
/// (`InertText.html`; display names are written by the callers), a Content-Security-Policy allowing
/// only the one style block by its hash.
///
/// - ``ConsolePages``: the routes: login and logout, blocked numbers (unblock, false positive), the
///   review queue, incidents and one incident's timeline with its forms, MCID flags, prevention figures, the audit log.
/// - `BlockListPage`, `ReviewQueuePage`, `IncidentPages`, `MCIDPage`, `PreventionPage`, `AuditPage`: the pages' markup.
/// - ``ConsoleLanguage`` and `Phrase`: Finnish, Swedish and English; ``ConsoleTime``: times in the
///   deployment's zone with their UTC offset; `ConsoleView`: one answer's caller, language, zone.
/// - ``ConsoleHTML``: the page frame, the policy and the escaping.
///
/// Logging in takes a token (the same as the API's) and sets a session cookie (`HttpOnly`,
/// `SameSite=Strict`, `Secure` behind a TLS proxy); every form carries the session's CSRF token.
/// `Authorization: Bearer` works on the pages too (scripts).
///
/// Deliberately not handled yet: evidence downloads, call search.
///
/// Allowed imports: CallModel, CallwardenPorts, Incidents, IncidentAPI, PeopleAPI, Hummingbird, HTTPTypes,
/// NIOCore, Crypto (the policy's hash), Foundation (time zones).
