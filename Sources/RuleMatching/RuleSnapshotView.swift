import CallModel

/// The hot path: matching one caller against a compiled arena through a plain pointer.
///
/// A view does not own the arena. It is valid only while the arena is known to be alive: inside a
/// ``RuleReader`` read section, or while the owning ``RuleSnapshot`` is held. It reads trivial
/// records in place: no retain or release, no Swift collection, no allocation (only
/// ``decision(for:)`` retains the deciding rule's reason and target strings).
///
/// A decision is one inlined function from the read section to the verdict: the global exact
/// table's entry (the one likely cache miss at a million rules) is loaded first, before the callee
/// scope is looked up, so that its miss overlaps the rest of the decision; then scoped rules,
/// then the global exact entry, then global prefixes (out of line: rarer, and mostly skipped by
/// key range without dividing). Unidentified callers take an out-of-line path.
struct RuleSnapshotView {
    let base: UnsafeRawPointer

    static let headerBytes = MemoryLayout<ArenaHeader>.stride
    static let levelsOffset = headerBytes
    private static let entryStride = MemoryLayout<LevelEntry>.stride
    private static let exactBit = UInt32(1) << UInt32(LevelCode.exact)
    private static let prefixBits: UInt32 = 0xFFFE

    /// The header, loaded by value (trivial fields; the optimiser reads only those used).
    @inline(__always) private var header: ArenaHeader { base.load(as: ArenaHeader.self) }

    @inline(__always) private func level(_ table: Int) -> LevelDescriptor {
        base.load(fromByteOffset: Self.levelsOffset + table &* MemoryLayout<LevelDescriptor>.stride, as: LevelDescriptor.self)
    }

    /// The compact verdict for `caller` calling the party keyed `calleeKey` at `micros`: the key's
    /// UTF-8 bytes are read in place (a small string's from a stack copy).
    @inline(__always)
    func verdict(for caller: MatchCaller, calleeKey: String, atMicroseconds micros: Int64) -> RuleVerdict {
        // No callee scopes: the key is never read.
        if header.scopeTableMask == 0 {
            return verdict(for: caller, calleeBytes: UnsafeRawBufferPointer(start: nil, count: 0), atMicroseconds: micros)
        }
        if let found = calleeKey.utf8.withContiguousStorageIfAvailable({
            verdict(for: caller, calleeBytes: UnsafeRawBufferPointer($0), atMicroseconds: micros)
        }) {
            return found
        }
        var contiguous = calleeKey
        contiguous.makeContiguousUTF8()
        return contiguous.utf8.withContiguousStorageIfAvailable {
            verdict(for: caller, calleeBytes: UnsafeRawBufferPointer($0), atMicroseconds: micros)
        } ?? verdict(for: caller, calleeScope: 0, atMicroseconds: micros)
    }

    /// The compact verdict for `caller` calling the party whose key is the UTF-8 `calleeBytes`
    /// (read only while the snapshot has callee scopes, and only during the call).
    @inline(__always)
    func verdict(for caller: MatchCaller, calleeBytes: UnsafeRawBufferPointer, atMicroseconds micros: Int64) -> RuleVerdict {
        if caller.isUnidentified { return unidentifiedVerdict(calleeBytes: calleeBytes, micros: micros) }
        guard caller.number != 0 else { return Self.none }
        let globalMask = base.load(fromByteOffset: header.scopeMasksOffset, as: UInt32.self)
        // The global exact entry first: its load (the likely miss) is in flight during the scope work.
        let probe = beginGlobalExactProbe(caller.number, globalMask: globalMask)
        return verdict(number: caller.number, calleeBytes: calleeBytes, micros: micros, globalMask: globalMask, probe: probe)
    }

    /// Verdicts for the questions `callers[i]` calling `calleeBytes[i]` into `verdicts[i]` (at
    /// most ``batchLimit`` questions): every question's global exact entry is loaded before the
    /// first is decided, so that their cache misses overlap instead of following one another.
    @inline(__always)
    func verdicts(
        for callers: UnsafeBufferPointer<MatchCaller>, calleeBytes: UnsafeBufferPointer<UnsafeRawBufferPointer>,
        atMicroseconds micros: Int64, into verdicts: UnsafeMutableBufferPointer<RuleVerdict>
    ) {
        let count = callers.count
        let globalMask = base.load(fromByteOffset: header.scopeMasksOffset, as: UInt32.self)
        withUnsafeTemporaryAllocation(of: LevelProbe.self, capacity: count) { probes in
            for index in 0..<count {
                let caller = callers[index]
                probes.initializeElement(
                    at: index,
                    to: caller.isUnidentified || caller.number == 0
                        ? LevelProbe.empty : beginGlobalExactProbe(caller.number, globalMask: globalMask))
            }
            for index in 0..<count {
                let caller = callers[index]
                let verdict: RuleVerdict
                if caller.isUnidentified {
                    verdict = unidentifiedVerdict(calleeBytes: calleeBytes[index], micros: micros)
                } else if caller.number == 0 {
                    verdict = Self.none
                } else {
                    verdict = self.verdict(
                        number: caller.number, calleeBytes: calleeBytes[index], micros: micros, globalMask: globalMask,
                        probe: probes[index])
                }
                verdicts.initializeElement(at: index, to: verdict)
            }
        }
    }

    /// The most questions ``verdicts(for:calleeBytes:atMicroseconds:into:)`` takes at once.
    static let batchLimit = 32

    /// The global exact probe for an identified caller's `number` begun (its entry's key word
    /// loaded); an empty probe (key 0) when the global scope has no exact numbers.
    @inline(__always)
    private func beginGlobalExactProbe(_ number: UInt64, globalMask: UInt32) -> LevelProbe {
        guard globalMask & Self.exactBit != 0 && number < LevelEntry.digitLimit else { return LevelProbe.empty }
        return beginProbe(table: LevelCode.exact, digits: number, tag: 1)
    }

    /// An identified caller's verdict with the global exact `probe` already begun: callee scope
    /// first, then the global exact entry, then global prefixes.
    @inline(__always)
    private func verdict(
        number: UInt64, calleeBytes: UnsafeRawBufferPointer, micros: Int64, globalMask: UInt32, probe: LevelProbe
    ) -> RuleVerdict {
        var clock = LocalClockReading()
        if header.scopeTableMask != 0 {
            let scope = scopeIndex(forBytes: calleeBytes)
            if scope != 0 {
                let verdict = match(number, scope: scope, micros: micros, clock: &clock)
                if verdict.outcome != .noMatch { return verdict }
            }
        }
        // A begun probe's key is never 0 (the number is not).
        if probe.key != 0 {
            let verdict = finishProbe(probe, tag: 1, micros: micros, clock: &clock)
            if verdict.outcome != .noMatch { return verdict }
        }
        guard globalMask & Self.prefixBits != 0 else { return Self.none }
        return matchPrefixes(number, levels: globalMask & Self.prefixBits, tag: 1, micros: micros, clock: &clock)
    }

    /// The verdict for `caller` in callee scope `scope` (0: no scoped rules), then the global scope.
    /// For tests of the scope lookup and for strings that cannot be read in place.
    func verdict(for caller: MatchCaller, calleeScope scope: UInt32, atMicroseconds micros: Int64) -> RuleVerdict {
        guard caller.number != 0 || caller.isUnidentified else { return Self.none }
        var clock = LocalClockReading()
        if caller.isUnidentified {
            if scope != 0 {
                let verdict = matchUnidentified(scope: scope, micros: micros, clock: &clock)
                if verdict.outcome != .noMatch { return verdict }
            }
            return matchUnidentified(scope: 0, micros: micros, clock: &clock)
        }
        if scope != 0 {
            let verdict = match(caller.number, scope: scope, micros: micros, clock: &clock)
            if verdict.outcome != .noMatch { return verdict }
        }
        return match(caller.number, scope: 0, micros: micros, clock: &clock)
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

    /// An unidentified caller: the callee scope's `unidentified` rules, then the global ones.
    @inline(never)
    private func unidentifiedVerdict(calleeBytes: UnsafeRawBufferPointer, micros: Int64) -> RuleVerdict {
        let scope = header.scopeTableMask != 0 ? scopeIndex(forBytes: calleeBytes) : 0
        return verdict(for: MatchCaller.unidentified, calleeScope: scope, atMicroseconds: micros)
    }

    @inline(__always)
    private func matchUnidentified(scope: UInt32, micros: Int64, clock: inout LocalClockReading) -> RuleVerdict {
        let mask = base.load(fromByteOffset: header.scopeMasksOffset &+ Int(scope) &* 4, as: UInt32.self)
        guard mask & 1 != 0 else { return Self.none }
        let tag = scope &+ 1
        let probe = beginProbe(table: LevelCode.table(level: LevelCode.unidentified, tag: tag), digits: 0, tag: tag)
        return finishProbe(probe, tag: tag, micros: micros, clock: &clock)
    }

    /// The first rule in force in `scope` for an identified caller's `number`, longest key first;
    /// ``none`` when none is.
    @inline(__always)
    private func match(_ number: UInt64, scope: UInt32, micros: Int64, clock: inout LocalClockReading) -> RuleVerdict {
        let mask = base.load(fromByteOffset: header.scopeMasksOffset &+ Int(scope) &* 4, as: UInt32.self)
        let tag = scope &+ 1
        if mask & Self.exactBit != 0 && number < LevelEntry.digitLimit {
            let probe = beginProbe(table: LevelCode.table(level: LevelCode.exact, tag: tag), digits: number, tag: tag)
            let verdict = finishProbe(probe, tag: tag, micros: micros, clock: &clock)
            if verdict.outcome != .noMatch { return verdict }
        }
        guard mask & Self.prefixBits != 0 else { return Self.none }
        return matchPrefixes(number, levels: mask & Self.prefixBits, tag: tag, micros: micros, clock: &clock)
    }

    /// The first rule in force among the prefix `levels` (a level mask), longest first. A level is
    /// skipped when the number lies outside the range its table's keys cover, compared on the
    /// whole number (no division); the prefix digits are computed only for a level in range.
    @inline(never)
    private func matchPrefixes(_ number: UInt64, levels: UInt32, tag: UInt32, micros: Int64, clock: inout LocalClockReading)
        -> RuleVerdict
    {
        let length = Self.digitCount(number)
        var prefixLevels = levels
        if length <= LevelCode.longestPrefix { prefixLevels &= (UInt32(2) << UInt32(length)) &- 1 }
        while prefixLevels != 0 {
            let code = 31 &- prefixLevels.leadingZeroBitCount
            prefixLevels &= ~(UInt32(1) << UInt32(code))
            let table = LevelCode.table(level: code, tag: tag)
            let level = level(table)
            let digits: UInt64
            if length <= 19 {
                // number / scale lies in [lowest, highest] iff number lies in
                // [lowest × scale, highest × scale + scale − 1] (no overflow: both are below 10^length).
                let scale = Self.powerOfTen(length &- code)
                guard number >= level.lowestDigits &* scale && number <= level.highestDigits &* scale &+ (scale &- 1)
                else { continue }
                digits = number / scale
            } else {
                var divided = number
                for _ in 0..<(length &- code) { divided /= 10 }
                guard divided >= level.lowestDigits && divided <= level.highestDigits else { continue }
                digits = divided
            }
            guard digits < LevelEntry.digitLimit else { continue }
            let verdict = finishProbe(beginProbe(table: table, digits: digits, tag: tag), tag: tag, micros: micros, clock: &clock)
            if verdict.outcome != .noMatch { return verdict }
        }
        return Self.none
    }

    /// A level probe begun: where the key's home entry lies and the key word found there, loaded
    /// as soon as the address is known so that its cache miss overlaps whatever comes before
    /// ``finishProbe(_:tag:micros:clock:)``.
    struct LevelProbe {
        var offset: Int
        var key: UInt64
        var found: UInt64

        static var empty: LevelProbe { @inline(__always) get { LevelProbe(offset: 0, key: 0, found: 0) } }
    }

    /// Hashes (tag, digits) onto `table` and loads the home entry's key word. `digits` must be
    /// below ``LevelEntry/digitLimit`` and the table not empty.
    @inline(__always)
    private func beginProbe(table: Int, digits: UInt64, tag: UInt32) -> LevelProbe {
        let level = level(table)
        let offset = level.entriesOffset
            &+ LevelHash.index(LevelHash.mix(digits: digits, tag: tag), capacity: level.capacity) &* Self.entryStride
        return LevelProbe(
            offset: offset, key: LevelEntry.key(digits: digits, tag: tag), found: base.load(fromByteOffset: offset, as: UInt64.self))
    }

    /// Walks the probe's entries (compared by their whole key word, so a hit reads one 32-byte
    /// entry, one cache line) and evaluates the key's rules: an inline rule is decided from its
    /// entry alone.
    @inline(__always)
    private func finishProbe(_ probe: LevelProbe, tag: UInt32, micros: Int64, clock: inout LocalClockReading) -> RuleVerdict {
        var offset = probe.offset
        var found = probe.found
        while true {
            if found == probe.key {
                let entry = base.load(fromByteOffset: offset, as: LevelEntry.self)
                if entry.flags & LevelEntry.isRun == 0 {
                    guard micros < entry.expiresAt else { return Self.none }
                    if entry.schedule != 0 && !scheduleInForce(entry.schedule, micros, &clock) { return Self.none }
                    return RuleVerdict(outcome: RuleOutcome(stored: entry.outcome), ruleID: entry.id, label: entry.label)
                }
                // A run holds its full tag: wide tags share the key's tag bits.
                if entry.expiresAt == Int64(tag) { return firstInForce(run: Int(entry.id), micros: micros, clock: &clock) }
            } else if found == 0 {
                return Self.none
            }
            offset &+= Self.entryStride
            found = base.load(fromByteOffset: offset, as: UInt64.self)
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

    @inline(never)
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

    /// The scope index of a callee key's UTF-8 bytes; 0 when the key has no scoped rules.
    @inline(__always)
    func scopeIndex(forBytes bytes: UnsafeRawBufferPointer) -> UInt32 {
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

    /// Decimal digits of a number (1 for 0): an estimate from its bit length, corrected by one
    /// comparison with a power of ten.
    @inline(__always)
    static func digitCount(_ value: UInt64) -> Int {
        // 1233 / 4096 ≈ log10(2): floor(log10(value)) is `estimate` or `estimate` − 1.
        let estimate = ((64 &- value.leadingZeroBitCount) &* 1233) >> 12
        let floorLog = value < powerOfTen(estimate) ? estimate &- 1 : estimate
        return max(floorLog &+ 1, 1)
    }

    /// 10^`exponent` for 0 ... 19 (a constant table).
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> UInt64 {
        switch exponent {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        case 9: 1_000_000_000
        case 10: 10_000_000_000
        case 11: 100_000_000_000
        case 12: 1_000_000_000_000
        case 13: 10_000_000_000_000
        case 14: 100_000_000_000_000
        case 15: 1_000_000_000_000_000
        case 16: 10_000_000_000_000_000
        case 17: 100_000_000_000_000_000
        case 18: 1_000_000_000_000_000_000
        default: 10_000_000_000_000_000_000
        }
    }
}
