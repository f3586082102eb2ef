package import ListenerGuards

/// Where the FastAGI server listens and the limits it holds every session to.
package struct FastAGIConfiguration: Hashable, Sendable {
    /// The address to bind; loopback by default (FastAGI has no token: only source addresses
    /// authenticate it, see ``QuestionTrust``).
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
    /// Sessions open at once from one source address.
    package var maximumSessionsPerSource: Int
    /// Each request (the `agi_*` block, each reply) must be complete within this from its first byte.
    package var requestTimeout: Duration
    /// Unsent output per session before it is closed as a slow reader, in bytes.
    package var maximumPendingOutput: Int

    /// The guard's limits (``ListenerGuards/ListenerLimits``).
    package var limits: ListenerLimits {
        ListenerLimits(
            maximumConnections: maximumSessions, maximumConnectionsPerSource: maximumSessionsPerSource,
            requestTimeout: requestTimeout, maximumPendingOutput: maximumPendingOutput)
    }

    package init(
        host: String = "127.0.0.1",
        port: Int = 4573,
        maximumLineLength: Int = 1_024,
        maximumHeaderLines: Int = 128,
        idleTimeout: Duration = .seconds(5),
        maximumSessions: Int = 512,
        maximumSessionsPerSource: Int = 256,
        requestTimeout: Duration = .seconds(5),
        maximumPendingOutput: Int = 64 * 1_024
    ) {
        self.maximumSessionsPerSource = maximumSessionsPerSource
        self.requestTimeout = requestTimeout
        self.maximumPendingOutput = maximumPendingOutput
        self.host = host
        self.port = port
        self.maximumLineLength = maximumLineLength
        self.maximumHeaderLines = maximumHeaderLines
        self.idleTimeout = idleTimeout
        self.maximumSessions = maximumSessions
    }
}
