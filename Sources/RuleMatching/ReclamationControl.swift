import Synchronization

/// The state readers and the writer share, in one raw allocation with every hot item on its own
/// 128-byte line (two 64-byte cache lines: x86 prefetches lines in pairs), so readers never write
/// a line another reader reads.
///
/// Lines: 0 the current arena pointer, 1 the global epoch, 2 the count of slot-less (overflow)
/// readers inside a snapshot, 3 the count of overflow decisions, then one line per reader slot
/// holding the epoch the slot's reader announced (0 = quiescent) and, 64 bytes further, whether
/// the slot is claimed.
struct ReclamationControl: @unchecked Sendable {
    // Sendable: only atomics are reached through the pointer, from any thread.
    static let lineBytes = 128
    private static let fixedLines = 4

    let base: UnsafeMutableRawPointer
    let slotCount: Int

    init(initialArena: UnsafeRawPointer, slotCount: Int) {
        self.slotCount = slotCount
        let bytes = (Self.fixedLines + slotCount) * Self.lineBytes
        base = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: Self.lineBytes)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        base.bindMemory(to: Atomic<UnsafeRawPointer>.self, capacity: 1).initialize(to: Atomic(initialArena))
        (base + Self.lineBytes).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(1))
        (base + 2 * Self.lineBytes).bindMemory(to: Atomic<Int>.self, capacity: 1).initialize(to: Atomic(0))
        (base + 3 * Self.lineBytes).bindMemory(to: Atomic<Int>.self, capacity: 1).initialize(to: Atomic(0))
        for slot in 0..<slotCount {
            let line = base + (Self.fixedLines + slot) * Self.lineBytes
            line.bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
            (line + 64).bindMemory(to: Atomic<Bool>.self, capacity: 1).initialize(to: Atomic(false))
        }
    }

    /// Frees the block; only when no reader or writer can reach it any more.
    func deallocate() {
        base.deallocate()
    }

    /// The arena of the snapshot readers should use now.
    var current: UnsafeMutablePointer<Atomic<UnsafeRawPointer>> {
        base.assumingMemoryBound(to: Atomic<UnsafeRawPointer>.self)
    }

    /// The global epoch; starts at 1 and is advanced once per publish.
    var epoch: UnsafeMutablePointer<Atomic<UInt64>> {
        (base + Self.lineBytes).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Readers without a slot currently inside a snapshot.
    var overflowReaders: UnsafeMutablePointer<Atomic<Int>> {
        (base + 2 * Self.lineBytes).assumingMemoryBound(to: Atomic<Int>.self)
    }

    /// Decisions taken without a slot, ever.
    var overflowDecisions: UnsafeMutablePointer<Atomic<Int>> {
        (base + 3 * Self.lineBytes).assumingMemoryBound(to: Atomic<Int>.self)
    }

    /// The epoch announced by the reader of `slot`; 0 when it is between decisions.
    func announcement(_ slot: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (base + (Self.fixedLines + slot) * Self.lineBytes).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Whether `slot` belongs to a reader.
    func claim(_ slot: Int) -> UnsafeMutablePointer<Atomic<Bool>> {
        (base + (Self.fixedLines + slot) * Self.lineBytes + 64).assumingMemoryBound(to: Atomic<Bool>.self)
    }
}
