import Synchronization

/// A setting that listeners read on every question, connection or packet and that a configuration
/// reload (SIGHUP) replaces: whom the decision listeners believe, the push listener's secret, the
/// HEP auth key.
///
/// Reading is lock-free and allocation-free: one atomic load of a pointer to an immutable copy
/// (then a copy of the value, which retains its storage). Publishing takes a lock that only
/// publishers share.
///
/// Every distinct value published stays in memory as long as the setting does: a reader may still
/// hold a pointer it loaded, and nothing tells when it is done with it. ``publish(_:)`` therefore
/// stores only a value that differs from the one in force, so memory grows with real changes (a
/// rotated secret, an edited PBX list) and never with reloads alone. The copies are freed with the
/// setting (no reader can be inside it then: a reader holds the setting while it reads).
/// Deliberately not handled: reclaiming old copies earlier (epochs or hazard pointers would cost
/// every reader).
package final class ReloadableSetting<Value: Sendable & Equatable>: Sendable {
    /// The address of the copy in force (an `UnsafeMutablePointer<Value>`, as its bit pattern).
    private let published: Atomic<UInt>
    /// Every copy ever published (the one in force last), freed in `deinit`; guarded for publishers.
    private let copies: Mutex<[UnsafeMutablePointer<Value>]>

    package init(_ value: Value) {
        let first = Self.copy(value)
        published = Atomic(UInt(bitPattern: first))
        copies = Mutex([first])
    }

    deinit {
        copies.withLock { copies in
            for copy in copies {
                copy.deinitialize(count: 1)
                copy.deallocate()
            }
        }
    }

    /// The value in force.
    package var current: Value {
        Self.pointer(published.load(ordering: .acquiring)).pointee
    }

    /// Puts `value` in force, unless it equals the value in force (compared with the value's `==`:
    /// secrets compare in constant time). Returns whether it changed.
    @discardableResult
    package func publish(_ value: Value) -> Bool {
        copies.withLock { copies in
            guard current != value else { return false }
            let copy = Self.copy(value)
            copies.append(copy)
            published.store(UInt(bitPattern: copy), ordering: .releasing)
            return true
        }
    }

    private static func copy(_ value: Value) -> UnsafeMutablePointer<Value> {
        let copy = UnsafeMutablePointer<Value>.allocate(capacity: 1)
        copy.initialize(to: value)
        return copy
    }

    private static func pointer(_ bits: UInt) -> UnsafeMutablePointer<Value> {
        // Never zero: every bit pattern stored came from an allocation.
        UnsafeMutablePointer<Value>(bitPattern: bits).unsafelyUnwrapped
    }
}
