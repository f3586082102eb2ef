import CallModel

/// The hot path: matching one caller against a compiled arena through a plain pointer.
///
/// A view does not own the arena. It is valid only while the arena is known to be alive: inside a
/// ``RuleReader`` read section, or while the owning ``RuleSnapshot`` is held. It reads trivial
/// records in place: no retain or release, no Swift collection, no allocation (only
/// ``decision(for:)`` retains the deciding rule's reason and target strings).
struct RuleSnapshotView {
    let base: UnsafeRawPointer

    static let headerBytes = MemoryLayout<ArenaHeader>.stride
    static let levelsOffset = headerBytes

    /// The header, loaded by value (trivial fields; the optimiser reads only those used).
    @inline(__always) private var header: ArenaHeader { base.load(as: ArenaHeader.self) }

    @inline(__always) private func level(_ table: Int) -> LevelDescriptor {
        base.load(fromByteOffset: Self.levelsOffset + table &* MemoryLayout<LevelDescriptor>.stride, as: LevelDescriptor.self)
    }

    /// The compact verdict for `caller` calling the party keyed `calleeKey` at `micros`.
    @inline(__always)
    func verdict(for caller: MatchCaller, calleeKey: String, atMicroseconds micros: Int64) -> RuleVerdict {
        guard caller.number != 0 || caller.isUnidentified else { return .noMatch }
        var clock = LocalClockReading()
        if header.scopeTableMask != 0 {
            let scope = scopeIndex(forCallee: calleeKey)
            if scope != 0, let verdict = match(caller, scope: scope, micros: micros, clock: &clock) {
                return verdict
            }
        }
        return match(caller, scope: 0, micros: micros, clock: &clock) ?? .noMatch
    }

    /// The ``CallModel/CallDecision`` for a verdict of this snapshot: the label strings (reason,
    /// redirect target) are copied out by retaining their storage, which allocates nothing.
    @inline(__always)
    func decision(for verdict: RuleVerdict) -> CallDecision {
        guard verdict.outcome != .noMatch else { return .defaultAllow }
        let labels = (base + header.labelsOffset).assumingMemoryBound(to: String.self)
        let reason = labels[Int(verdict.label) &* 2]
        switch verdict.outcome {
        case .allow, .noMatch: return CallDecision(action: .allow, ruleID: verdict.ruleID, reason: reason)
        case .block: return CallDecision(action: .block, ruleID: verdict.ruleID, reason: reason)
        case .flag: return CallDecision(action: .flag, ruleID: verdict.ruleID, reason: reason)
        case .redirect:
            return CallDecision(action: .redirect(to: labels[Int(verdict.label) &* 2 &+ 1]), ruleID: verdict.ruleID, reason: reason)
        }
    }

    // MARK: - One scope

    /// The first rule in force in `scope`, longest key first; nil when none is.
    @inline(__always)
    private func match(_ caller: MatchCaller, scope: UInt32, micros: Int64, clock: inout LocalClockReading) -> RuleVerdict? {
        let mask = base.load(fromByteOffset: header.scopeMasksOffset &+ Int(scope) &* 4, as: UInt32.self)
        guard mask != 0 else { return nil }
        let tag = scope &+ 1
        if caller.isUnidentified {
            guard mask & 1 != 0 else { return nil }
            return lookup(level: LevelCode.unidentified, digits: 0, tag: tag, micros: micros, clock: &clock)
        }
        let number = caller.number
        if mask & (1 << LevelCode.exact) != 0,
            let verdict = lookup(level: LevelCode.exact, digits: number, tag: tag, micros: micros, clock: &clock)
        {
            return verdict
        }
        var prefixLevels = mask & 0xFFFE
        guard prefixLevels != 0 else { return nil }
        var length = Self.digitCount(number)
        if length <= LevelCode.longestPrefix { prefixLevels &= (UInt32(2) << UInt32(length)) &- 1 }
        var digits = number
        while prefixLevels != 0 {
            let level = 31 &- prefixLevels.leadingZeroBitCount
            prefixLevels &= ~(UInt32(1) << UInt32(level))
            while length > level {
                digits /= 10
                length &-= 1
            }
            if let verdict = lookup(level: level, digits: digits, tag: tag, micros: micros, clock: &clock) {
                return verdict
            }
        }
        return nil
    }

    /// Probes one level's table for (tag, digits) and evaluates the key's rules: at a prefix level
    /// nothing when the digits lie outside the table's key range; else fingerprints are compared
    /// four at a time in one 64-bit word, and a slot is read only where one matches.
    @inline(__always)
    private func lookup(level code: Int, digits: UInt64, tag: UInt32, micros: Int64, clock: inout LocalClockReading)
        -> RuleVerdict?
    {
        let level = level(LevelCode.table(level: code, tag: tag))
        // Prefix levels only: exact numbers spread over every number block, number ranges do not.
        if code != LevelCode.exact && (digits < level.lowestDigits || digits > level.highestDigits) { return nil }
        let hash = LevelHash.mix(digits: digits, tag: tag)
        let fingerprint = LevelHash.fingerprint(hash)
        let pattern = UInt64(fingerprint) &* 0x0001_0001_0001_0001
        var index = LevelHash.index(hash, capacity: level.capacity)
        while true {
            let group = base.loadUnaligned(fromByteOffset: level.fingerprintsOffset &+ index &* 2, as: UInt64.self)
            if Self.zeroLanes(group ^ pattern) != 0 {
                for lane in 0..<4 {
                    let found = UInt16(truncatingIfNeeded: group >> UInt64(lane &* 16))
                    if found == 0 { return nil }
                    if found == fingerprint {
                        let slot = base.load(
                            fromByteOffset: level.slotsOffset &+ (index &+ lane) &* MemoryLayout<LevelSlot>.stride,
                            as: LevelSlot.self)
                        if slot.digits == digits && slot.scopeTag == tag {
                            return firstInForce(slot, micros: micros, clock: &clock)
                        }
                    }
                }
            } else if Self.zeroLanes(group) != 0 {
                return nil
            }
            index &+= 4
        }
    }

    /// The top bit of every 16-bit lane of `word` that may be zero; never 0 when one lane is zero
    /// (lanes above a zero lane can be flagged falsely, so flagged lanes are rechecked in order).
    @inline(__always)
    static func zeroLanes(_ word: UInt64) -> UInt64 {
        (word &- 0x0001_0001_0001_0001) & ~word & 0x8000_8000_8000_8000
    }

    /// The key's first rule that has not expired and whose schedule is in force: the inline one,
    /// then the overflow run.
    @inline(__always)
    private func firstInForce(_ slot: LevelSlot, micros: Int64, clock: inout LocalClockReading) -> RuleVerdict? {
        if micros < slot.expiresAt && (slot.schedule == 0 || scheduleInForce(slot.schedule, micros, &clock)) {
            return RuleVerdict(outcome: RuleOutcome(stored: slot.outcome), ruleID: slot.id, label: slot.label)
        }
        guard slot.next != LevelSlot.noOverflow else { return nil }
        let overflow = header.overflowOffset
        var index = Int(slot.next)
        while true {
            let rule = base.load(
                fromByteOffset: overflow &+ index &* MemoryLayout<RuleRecord>.stride, as: RuleRecord.self)
            if micros < rule.expiresAt && (rule.schedule == 0 || scheduleInForce(rule.schedule, micros, &clock)) {
                return RuleVerdict(
                    outcome: RuleOutcome(stored: rule.flags & RuleRecord.outcomeMask), ruleID: rule.id, label: rule.label)
            }
            if rule.flags & RuleRecord.lastInRun != 0 { return nil }
            index &+= 1
        }
    }

    private func scheduleInForce(_ index: UInt16, _ micros: Int64, _ clock: inout LocalClockReading) -> Bool {
        if !clock.isRead {
            clock.read(
                micros: micros, startSeconds: header.clockStartSeconds,
                offsets: base + header.clockOffset,
                count: header.clockCount)
        }
        let schedule = base.load(
            fromByteOffset: header.schedulesOffset &+ Int(index) &* MemoryLayout<ScheduleRecord>.stride,
            as: ScheduleRecord.self)
        return schedule.isInForce(weekday: clock.weekday, minuteOfDay: clock.minuteOfDay)
    }

    // MARK: - Callee scopes

    /// The scope index of a callee key; 0 when the key has no scoped rules.
    @inline(__always)
    private func scopeIndex(forCallee key: String) -> UInt32 {
        if let found = key.utf8.withContiguousStorageIfAvailable({ scopeIndex(forBytes: UnsafeRawBufferPointer($0)) }) {
            return found
        }
        var contiguous = key
        contiguous.makeContiguousUTF8()
        return contiguous.utf8.withContiguousStorageIfAvailable { scopeIndex(forBytes: UnsafeRawBufferPointer($0)) } ?? 0
    }

    @inline(__always)
    private func scopeIndex(forBytes bytes: UnsafeRawBufferPointer) -> UInt32 {
        let hash = ScopeHash.hash(bytes)
        let header = self.header
        let mask = header.scopeTableMask
        let keyBytes = base + header.scopeBytesOffset
        var slot = Int(hash) & mask
        while true {
            let entry = base.load(
                fromByteOffset: header.scopeTableOffset &+ slot &* MemoryLayout<ScopeSlot>.stride, as: ScopeSlot.self)
            if entry.scope == 0 { return 0 }
            if entry.hash == hash && Int(entry.bytesCount) == bytes.count
                && ScopeHash.equal(bytes, keyBytes + Int(entry.bytesOffset))
            {
                return entry.scope
            }
            slot = (slot &+ 1) & mask
        }
    }

    // MARK: - Arithmetic

    /// Decimal digits of a positive number (1 for 0).
    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        var count = 1
        var limit: UInt64 = 10
        while count < 20 && value >= limit {
            count &+= 1
            limit = limit &* 10
        }
        return count
    }
}
