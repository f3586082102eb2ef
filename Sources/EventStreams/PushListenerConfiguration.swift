package import CDRParsing
package import CallModel
import ListenerGuards

/// One push listener: where it listens, what its senders write, and its limits.
package struct PushListenerConfiguration: Sendable, Hashable {
    /// Where a listener accepts connections.
    package enum Endpoint: Sendable, Hashable, CustomStringConvertible {
        /// TCP on `host` (an address to bind, `127.0.0.1` by default) and `port` (0: any free port).
        case tcp(host: String, port: Int)
        /// A Unix stream socket at `path`; an old socket file there is replaced.
        case unix(path: String)

        package var description: String {
            switch self {
            case .tcp(let host, let port): "tcp:\(host):\(port)"
            case .unix(let path): "unix:\(path)"
            }
        }
    }

    package var endpoint: Endpoint
    /// The record format every line of this listener is decoded as.
    package var format: CDRFormat
    /// When set, a connection's first line must be `AUTH <secret>`.
    package var secret: Secret?
    /// A connection that sends nothing for this long while none of its events is waiting for its
    /// commit is closed.
    package var idleTimeout: Duration
    /// Events of one connection that may wait for their commit before the listener stops reading
    /// from it (backpressure).
    package var window: Int
    /// Connections open at once; more are refused with `ERR 0 too-many-connections`.
    package var maximumConnections: Int
    /// Connections open at once from one source address (all Unix socket peers are one source);
    /// more are refused the same way.
    package var maximumConnectionsPerSource: Int
    /// With a secret, `AUTH` must come within this after connecting, or the connection is closed.
    package var authTimeout: Duration
    /// A line must be complete within this from its first byte, or the connection is closed
    /// (not while the listener itself holds the connection back for its window).
    package var lineTimeout: Duration
    /// Unsent answers per connection before it is closed as a slow reader, in bytes.
    package var maximumPendingOutput: Int
    /// Permissions of the Unix socket file.
    package var unixSocketMode: UInt32
    /// How long shutdown waits for the events already read to be committed and acknowledged.
    package var shutdownGrace: Duration

    package init(
        endpoint: Endpoint, format: CDRFormat, secret: Secret? = nil, idleTimeout: Duration = .seconds(60),
        window: Int = 4_096, maximumConnections: Int = 64, maximumConnectionsPerSource: Int = 16,
        authTimeout: Duration = .seconds(10), lineTimeout: Duration = .seconds(30), maximumPendingOutput: Int = 256 * 1_024,
        unixSocketMode: UInt32 = 0o660, shutdownGrace: Duration = .seconds(5)
    ) {
        self.maximumConnectionsPerSource = max(1, min(maximumConnectionsPerSource, max(1, maximumConnections)))
        self.authTimeout = authTimeout
        self.lineTimeout = lineTimeout
        self.maximumPendingOutput = maximumPendingOutput
        self.endpoint = endpoint
        self.format = format
        self.secret = secret
        self.idleTimeout = idleTimeout
        self.window = max(1, window)
        self.maximumConnections = max(1, maximumConnections)
        self.unixSocketMode = unixSocketMode
        self.shutdownGrace = shutdownGrace
    }

    /// The longest line accepted: the decoder's limit (64 KiB).
    package static let maximumLineLength = CDRLineDecoder.maximumLineLength

    /// Whether the listener is reachable only from this host: a Unix socket or a loopback address.
    package var isLocalOnly: Bool {
        switch endpoint {
        case .unix: true
        case .tcp(let host, _): ListenerAddress.isLoopback(host: host)
        }
    }

    /// A short name for logs and the queue (`push:tcp:127.0.0.1:7070`).
    package var name: String { "push:\(endpoint)" }
}
