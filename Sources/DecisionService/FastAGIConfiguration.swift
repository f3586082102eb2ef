/// Where the FastAGI server listens and the limits it holds every session to.
package struct FastAGIConfiguration: Hashable, Sendable {
    /// The address to bind; loopback by default (FastAGI has no authentication).
    package var host: String
    /// 4573, Asterisk's default for `agi://host`; 0 picks a free port.
    package var port: Int
    /// The longest line accepted, in bytes (Asterisk's header lines are well under 256).
    package var maximumLineLength: Int
    /// The most `agi_*` header lines accepted before the empty line (Asterisk sends about 25 plus
    /// one per argument).
    package var maximumHeaderLines: Int
    /// A session that reads nothing for this long is closed.
    package var idleTimeout: Duration
    /// Sessions open at once; more are closed at once and counted.
    package var maximumSessions: Int

    package init(
        host: String = "127.0.0.1",
        port: Int = 4573,
        maximumLineLength: Int = 1_024,
        maximumHeaderLines: Int = 128,
        idleTimeout: Duration = .seconds(5),
        maximumSessions: Int = 512
    ) {
        self.host = host
        self.port = port
        self.maximumLineLength = maximumLineLength
        self.maximumHeaderLines = maximumHeaderLines
        self.idleTimeout = idleTimeout
        self.maximumSessions = maximumSessions
    }
}
