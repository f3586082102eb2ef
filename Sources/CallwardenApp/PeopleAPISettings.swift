package import CallModel
import EventStreams

/// The `api:` section: the people's listener, serving the JSON API (`/v1/...`) and the console
/// (`/ui/`) to ops, security and admins with tokens made by `callwarden tokens create`.
///
/// Keys (defaults in brackets):
/// - `api.listen` [off]: `host:port` (or a bare port, bound to 127.0.0.1). Every request needs a
///   token (`Authorization: Bearer cw_…`, or the console's session cookie), loopback included.
/// - `api.tls_proxy` [false]: the console is reached over https through a TLS proxy in front of
///   this listener; its session cookie is then marked `Secure`.
/// - `api.session_lifetime` [8h]: how long a console login lasts.
/// - `api.failed_authentication_limit` [10]: failed authentications per client address per minute
///   before that address is answered 429 until the minute ends.
/// - `api.teams` [none]: a list of `{name: Reception, extensions: ["1001", "1002"]}`; the console's
///   prevention page counts those extensions' incidents as their team's. An extension in two teams
///   is refused.
///
/// The old `incidents.api` section (one shared token list, no roles) is refused with the new key's
/// name: its `listen` moves to `api.listen`, and its tokens become named tokens with roles.
package struct PeopleAPISettings: Sendable {
    package var listen: (host: String, port: Int)?
    package var tlsProxy = false
    package var sessionLifetime = TimeSpan.hours(8)
    package var failedAuthenticationLimit = 10
    /// Extension → team (`api.teams`).
    package var teams: [String: String] = [:]

    package init() {}

    static func read(_ root: ConfigNode) -> PeopleAPISettings {
        var settings = PeopleAPISettings()
        let section = root.section("api")
        if let listen = section.string("listen"), listen != "off" {
            if case .tcp(host: let host, port: let port)? = EventStreamSettings.parseTCP(listen) {
                settings.listen = (host, port)
            } else {
                section.fail("listen", "\"\(listen)\" is not off, a port or host:port (e.g. 127.0.0.1:8751)")
            }
        }
        settings.tlsProxy = section.bool("tls_proxy", default: false)
        settings.sessionLifetime = section.duration("session_lifetime", default: .hours(8))
        if settings.sessionLifetime < .minutes(1) || settings.sessionLifetime > .days(7) {
            section.fail("session_lifetime", "must be 1m–7d")
        }
        settings.failedAuthenticationLimit = section.int("failed_authentication_limit", default: 10, range: 1...1_000)
        for team in section.sectionList("teams") {
            let extensions = team.stringList("extensions") ?? []
            guard let name = team.string("name"), !name.isEmpty, name.unicodeScalars.count <= 64, !InertText.containsControl(name) else {
                team.fail("name", "is required: 1–64 characters on one line")
                continue
            }
            for key in extensions {
                if let other = settings.teams[key], other != name {
                    team.fail("extensions", "\"\(InertText.line(key))\" is already in team \"\(InertText.line(other))\"")
                }
                settings.teams[key] = name
            }
        }

        return settings
    }

    /// Refuses the old `incidents.api` section, naming the new key (read from the `incidents` node,
    /// so that its other keys stay known).
    static func refuseOldSection(in incidents: ConfigNode) {
        let old = incidents.section("api")
        guard old.isPresent else { return }
        _ = old.string("listen")
        _ = old.string("token_file")
        _ = old.string("token")
        incidents.fail(
            "api",
            "has moved: write its listen as api.listen; the people's API takes named tokens with roles "
                + "(callwarden tokens create NAME --role viewer|ops|security|admin), so token_file is no longer read")
    }
}
