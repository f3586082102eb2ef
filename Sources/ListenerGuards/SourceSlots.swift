import Synchronization

/// The connection slots of one listener: at most ``total`` open at once and at most ``perSource``
/// from one source address, so that one host cannot take every slot. Memory is bounded by
/// ``total`` (one dictionary entry per source with an open connection).
///
/// One short lock per connection opened or closed (never per byte or request).
/// Deliberately not handled: limits by network prefix, and fairness among sources below the limit.
package final class SourceSlots: Sendable {
    /// Why a connection got no slot.
    package enum Refusal: String, Sendable, CaseIterable {
        /// ``SourceSlots/total`` connections are open.
        case full
        /// ``SourceSlots/perSource`` connections from this source are open.
        case perSource = "per_source"
    }

    package let total: Int
    package let perSource: Int
    private let state = Mutex<State>(State())

    private struct State {
        var open = 0
        var bySource: [String: Int] = [:]
    }

    package init(total: Int, perSource: Int) {
        self.total = max(1, total)
        self.perSource = max(1, min(perSource, total))
    }

    /// Takes a slot for a connection from `source` (``ListenerAddress/sourceKey(of:)``), or says why not.
    package func claim(source: String) -> Refusal? {
        state.withLock { state in
            guard state.open < total else { return .full }
            let fromSource = state.bySource[source, default: 0]
            guard fromSource < perSource else { return .perSource }
            state.open += 1
            state.bySource[source] = fromSource + 1
            return nil
        }
    }

    /// Gives back a slot taken by ``claim(source:)``.
    package func release(source: String) {
        state.withLock { state in
            guard let fromSource = state.bySource[source] else { return }
            state.open -= 1
            if fromSource <= 1 {
                state.bySource[source] = nil
            } else {
                state.bySource[source] = fromSource - 1
            }
        }
    }

    /// Connections holding a slot now.
    package var openCount: Int { state.withLock { $0.open } }

    /// Connections from `source` holding a slot now.
    package func openCount(from source: String) -> Int { state.withLock { $0.bySource[source, default: 0] } }
}
