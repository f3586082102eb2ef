import Synchronization

/// A setting that listeners read on every question, connection or packet and that a configuration
/// reload (SIGHUP) replaces: whom the decision listeners believe, the push listener's secret, the
/// HEP auth key.
///
/// Reading is lock-free and allocation-free: one atomic load of a pointer to an immutable copy
/// (then a copy of the value, which retains its storage). Publishing takes a lock that only
/// publishers share.
///
/// Every distinct value ever published stays in memory for the life of the process: a reader may
/// still hold a pointer it loaded, and nothing tells when it is done with it. ``publish(_:)``
/// therefore stores only a value that differs from the one in force, so memory grows with real
/// changes (a rotated secret, an edited PBX list) and never with reloads alone. Deliberately not
/// handled: reclaiming those old copies (epochs or hazard pointers would cost every reader).
package final class ReloadableSetting<Value: Sendable & Equatable>: Sendable {
    /// The address of the copy in force (an `UnsafeMutablePointer<Value>`, as its bit pattern).
    private let published: Atomic<UInt>
    private let publishers = Mutex<Void>(())

    package init(_ value: Value) {
        published = Atomic(Self.store(value))
    }

    /// The value in force.
    package var current: Value {
        Self.pointer(published.load(ordering: .acquiring)).pointee
    }

    /// Puts `value` in force, unless it equals the value in force (compared with the value's `==`:
    /// secrets compare in constant time). Returns whether it changed.
    @discardableResult
    package func publish(_ value: Value) -> Bool {
        publishers.withLock { _ in
            guard current != value else { return false }
            published.store(Self.store(value), ordering: .releasing)
            return true
        }
    }

    private static func store(_ value: Value) -> UInt {
        let copy = UnsafeMutablePointer<Value>.allocate(capacity: 1)
        copy.initialize(to: value)
        return UInt(bitPattern: copy)
    }

    private static func pointer(_ bits: UInt) -> UnsafeMutablePointer<Value> {
        // Never zero: every bit pattern stored came from an allocation.
        UnsafeMutablePointer<Value>(bitPattern: bits).unsafelyUnwrapped
    }
}
