/// Processing time: when Callwarden does something (a checkpoint, an audit entry, a rule's
/// creation, the receipt of an event that carries no time of its own, the horizon of the
/// detector's warm-up). The daemon's one clock, injected into whatever reads it:
/// the system clock in production (`WallClock.system`, defined outside the core, in `Ingest`: the
/// core makes no system calls), a fixed or stepped clock in tests.
///
/// Detection never reads it: it runs on event time. Deliberately not handled: monotonic time
/// (timeouts and intervals use Swift's `ContinuousClock`); this clock may step when the system
/// time is set.
package struct WallClock: Sendable {
    private let reading: @Sendable () -> Timestamp

    /// A clock that reads `reading` (a test's fixed or stepped time).
    package init(_ reading: @escaping @Sendable () -> Timestamp) {
        self.reading = reading
    }

    /// The time now, by this clock.
    package func now() -> Timestamp { reading() }

    /// A clock that always reads `time`.
    package static func fixed(_ time: Timestamp) -> WallClock { WallClock { time } }
}
