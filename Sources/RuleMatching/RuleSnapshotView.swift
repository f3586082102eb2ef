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
        guard caller.number != 0 || caller.isUnidentified else { return Self.none }
        var clock = LocalClockReading()
        if header.scopeTableMask != 0 {
            let scope = scopeIndex(forCallee: calleeKey)
            if scope != 0 {
                let verdict = match(caller, scope: scope, micros: micros, clock: &clock)
                if verdict.outcome != .noMatch { return verdict }
            }
        }
        return match(caller, scope: 0, micros: micros, clock: &clock)
    }

    /// No rule: ``RuleVerdict/noMatch``, built in place (not a global's lazy initialiser).
    private static var none: RuleVerdict {
        @inline(__always) get { RuleVerdict(outcome: .noMatch, ruleID: 0, label: 0) }
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

    /// The first rule in force in `scope`, longest key first; ``none`` when none is. The exact
    /// level is probed inline; prefix levels (rarer, and mostly skipped by key range) out of line.
    @inline(__always)
    private func match(_ caller: MatchCaller, scope: UInt32, micros: Int64, clock: inout LocalClockReading) -> RuleVerdict {
        let mask = base.load(fromByteOffset: header.scopeMasksOffset &+ Int(scope) &* 4, as: UInt32.self)
        let tag = scope &+ 1
        if caller.isUnidentified {
            guard mask & 1 != 0 else { return Self.none }
            return lookup(level: LevelCode.unidentified, digits: 0, tag: tag, micros: micros, clock: &clock)
        }
        if mask & (1 << LevelCode.exact) != 0 {
            let verdict = lookup(level: LevelCode.exact, digits: caller.number, tag: tag, micros: micros, clock: &clock)
            if verdict.outcome != .noMatch { return verdict }
        }
        guard mask & 0xFFFE != 0 else { return Self.none }
        return matchPrefixes(caller.number, levels: mask & 0xFFFE, tag: tag, micros: micros, clock: &clock)
    }

    /// The first rule in force among the prefix `levels` (a level mask), longest first.
    @inline(never)
    private func matchPrefixes(_ number: UInt64, levels: UInt32, tag: UInt32, micros: Int64, clock: inout LocalClockReading)
        -> RuleVerdict
    {
        var prefixLevels = levels
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
            let verdict = lookup(level: level, digits: digits, tag: tag, micros: micros, clock: &clock)
            if verdict.outcome != .noMatch { return verdict }
        }
        return Self.none
    }

    /// Probes one level's table for (tag, digits) and evaluates the key's rules: at a prefix level
    /// nothing when the digits lie outside the table's key range; else entries are compared by
    /// their whole key word, so a hit reads one 32-byte entry (one cache line) and an inline rule
    /// is decided from it alone.
    @inline(__always)
    private func lookup(level code: Int, digits: UInt64, tag: UInt32, micros: Int64, clock: inout LocalClockReading)
        -> RuleVerdict
    {
        let level = level(LevelCode.table(level: code, tag: tag))
        // Prefix levels only: exact numbers spread over every number block, number ranges do not.
        if code != LevelCode.exact && (digits < level.lowestDigits || digits > level.highestDigits) { return Self.none }
        guard digits < LevelEntry.digitLimit else { return Self.none }
        let key = LevelEntry.key(digits: digits, tag: tag)
        let stride = MemoryLayout<LevelEntry>.stride
        var offset = level.entriesOffset &+ LevelHash.index(LevelHash.mix(digits: digits, tag: tag), capacity: level.capacity) &* stride
        while true {
            let found = base.load(fromByteOffset: offset, as: UInt64.self)
            if found == key {
                let entry = base.load(fromByteOffset: offset, as: LevelEntry.self)
                if entry.flags & LevelEntry.isRun == 0 {
                    guard micros < entry.expiresAt && (entry.schedule == 0 || scheduleInForce(entry.schedule, micros, &clock))
                    else { return Self.none }
                    return RuleVerdict(outcome: RuleOutcome(stored: entry.outcome), ruleID: entry.id, label: entry.label)
                }
                // A run holds its full tag: wide tags share the key's tag bits.
                if entry.expiresAt == Int64(tag) { return firstInForce(run: Int(entry.id), micros: micros, clock: &clock) }
            } else if found == 0 {
                return Self.none
            }
            offset &+= stride
        }
    }

    /// The first rule of the run from overflow index `index` that has not expired and whose
    /// schedule is in force.
    @inline(never)
    private func firstInForce(run index: Int, micros: Int64, clock: inout LocalClockReading) -> RuleVerdict {
        let overflow = header.overflowOffset
        var index = index
        while true {
            let rule = base.load(
                fromByteOffset: overflow &+ index &* MemoryLayout<RuleRecord>.stride, as: RuleRecord.self)
            if micros < rule.expiresAt && (rule.schedule == 0 || scheduleInForce(rule.schedule, micros, &clock)) {
                return RuleVerdict(
                    outcome: RuleOutcome(stored: rule.flags & RuleRecord.outcomeMask), ruleID: rule.id, label: rule.label)
            }
            if rule.flags & RuleRecord.lastInRun != 0 { return Self.none }
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
