/// Where a client (AMI, ESL, evapi) connects, and how it retries.
package struct ClientConfiguration: Sendable, Hashable {
    package var host: String
    package var port: Int
    /// The first wait after a lost or refused connection; doubled after each failure.
    package var initialBackoff: Duration
    /// The longest wait between two attempts.
    package var maximumBackoff: Duration
    /// Events of one connection that may wait for their commit before the client stops reading
    /// (the PBX then buffers, and may drop the session; the CDR file keeps the record).
    package var window: Int
    /// How long shutdown waits for the server to answer a logoff before closing.
    package var logoffGrace: Duration

    package init(
        host: String, port: Int, initialBackoff: Duration = .milliseconds(500), maximumBackoff: Duration = .seconds(30),
        window: Int = 4_096, logoffGrace: Duration = .seconds(2)
    ) {
        self.host = host
        self.port = port
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.window = max(1, window)
        self.logoffGrace = logoffGrace
    }
}

/// Exponential backoff between reconnection attempts: initial, doubled after every failure, capped;
/// back to the initial wait after a session that was established.
struct ReconnectBackoff {
    let initial: Duration
    let maximum: Duration
    private(set) var next: Duration

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.next = initial
    }

    /// The wait before the next attempt; doubles the one after it.
    mutating func take() -> Duration {
        let wait = next
        next = min(next * 2, maximum)
        return wait
    }

    mutating func reset() { next = initial }
}
