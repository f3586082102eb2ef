import Synchronization

/// The alert sinks in force, swapped whole when the configuration is reloaded (SIGHUP): the
/// ``AlertDispatcher`` delivers to the sinks of the set's current generation, and moves to a new
/// generation between two deliveries.
///
/// Nothing is lost or sent twice by a swap: what a sink has delivered is recorded in the outbox
/// under the sink's name, so a sink that stays (same name) goes on where it was, a new sink starts
/// with the undelivered alerts of the outbox's horizon (as after a restart), and a removed sink is
/// no longer served (its pending alerts stay in the outbox until retention).
///
/// Deliberately not handled: a delivery in flight at the swap finishes with the sink it started
/// with (its receiver, its secret); the next one uses the new sink.
package final class AlertSinkSet: Sendable {
    /// One set of sinks and the number of the swap that put it in force (0 at start).
    package struct Generation: Sendable {
        package let number: Int
        package let sinks: [any AlertSink]
    }

    private let state: Mutex<Generation>
    /// Rung after every swap, so that idle sink loops wake up and see it.
    let changed = AlertWakeSignal()

    package init(_ sinks: [any AlertSink]) {
        state = Mutex(Generation(number: 0, sinks: sinks))
    }

    /// The generation in force.
    package var current: Generation { state.withLock { $0 } }

    /// The names of the sinks in force.
    package var names: Set<String> { Set(current.sinks.map(\.name)) }

    /// Puts `sinks` in force; the dispatcher moves to them after the deliveries in flight.
    package func replace(with sinks: [any AlertSink]) {
        state.withLock { $0 = Generation(number: $0.number + 1, sinks: sinks) }
        changed.ring()
    }
}
