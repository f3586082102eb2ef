package import DecisionService
import EventStreams

/// The `decision:` section: where the PBX asks about each incoming call.
///
/// - `decision.http` [`127.0.0.1:8750`]: `host:port` (or a bare port, bound to 127.0.0.1) of the
///   HTTP decision service, or `off`. There is no authentication: bind to loopback or a
///   management network.
/// - `decision.agi` [off]: `host:port` of the FastAGI server for Asterisk (`agi://host:4573`).
/// - `decision.event_queue` [65536]: decision events waiting for the store; when full the newest
///   is dropped and counted (the PBX still gets its answer).
package struct DecisionServiceSettings: Sendable {
    package var http: DecisionHTTPConfiguration?
    package var agi: FastAGIConfiguration?
    package var eventQueueCapacity: Int

    package init(http: DecisionHTTPConfiguration? = DecisionHTTPConfiguration(), agi: FastAGIConfiguration? = nil, eventQueueCapacity: Int = 65_536) {
        self.http = http
        self.agi = agi
        self.eventQueueCapacity = eventQueueCapacity
    }

    static func read(_ root: ConfigNode) -> DecisionServiceSettings {
        let section = root.section("decision")
        var settings = DecisionServiceSettings()
        let http = section.string("http", default: "127.0.0.1:8750")
        if http == "off" {
            settings.http = nil
        } else if case .tcp(host: let host, port: let port)? = EventStreamSettings.parseTCP(http) {
            settings.http = DecisionHTTPConfiguration(host: host, port: port)
        } else {
            section.fail("http", "\"\(http)\" is not off, a port or host:port (e.g. 127.0.0.1:8750)")
        }
        if let agi = section.string("agi"), agi != "off" {
            if case .tcp(host: let host, port: let port)? = EventStreamSettings.parseTCP(agi) {
                settings.agi = FastAGIConfiguration(host: host, port: port)
            } else {
                section.fail("agi", "\"\(agi)\" is not off, a port or host:port (e.g. 127.0.0.1:4573)")
            }
        }
        settings.eventQueueCapacity = section.int("event_queue", default: 65_536, range: 16...(1 << 24))
        return settings
    }
}
