import CallModel

/// Lays sorted, prepared rules out in one allocation and fills its tables.
///
/// Layout, each part aligned to 64 bytes: header, level descriptors, scope masks, callee-scope
/// table and key bytes, overflow rule records, schedule records, clock offsets, per level and
/// kind of scope (global, callee) a table of fingerprints and slots, and last the label strings (the only non-trivial values,
/// deinitialised on free). Level tables are at most 4/5 full (``LevelHash/capacity(for:)``), so
/// a probe always reaches an empty slot.
struct ArenaBuilder {
    let prepared: [PreparedRule]
    let tables: CompileTables
    let clock: (start: Int64, offsets: [Int32])

    func build(compiledAt: Timestamp) -> RuleSnapshot {
        // One slot per run of rules with the same key: the run's best rule inline, the rest overflow.
        var slots = Array(repeating: [LevelSlot](), count: LevelCode.tableCount)
        var masks = Array(repeating: UInt32(0), count: tables.scopeKeys.count)
        var overflow: [RuleRecord] = []
        var index = 0
        while index < prepared.count {
            let first = prepared[index]
            var end = index + 1
            while end < prepared.count && prepared[end].sameKey(as: first) { end += 1 }
            let next = end - index > 1 ? UInt32(overflow.count) : LevelSlot.noOverflow
            for (position, rule) in prepared[(index + 1)..<end].enumerated() {
                let last = index + 1 + position == end - 1
                overflow.append(
                    RuleRecord(
                        id: rule.id, expiresAt: rule.expiresAt, label: rule.label, schedule: rule.schedule,
                        flags: rule.outcome.rawValue | (last ? RuleRecord.lastInRun : 0), reserved: 0))
            }
            slots[LevelCode.table(level: first.level, tag: first.scope + 1)].append(
                LevelSlot(
                    digits: first.digits, id: first.id, expiresAt: first.expiresAt, next: next, label: first.label,
                    scopeTag: first.scope + 1, schedule: first.schedule, outcome: first.outcome.rawValue, reserved: 0))
            masks[Int(first.scope)] |= UInt32(1) << UInt32(first.level)
            index = end
        }

        let scopeKeyBytes = tables.scopeKeys.map { Array($0.utf8) }
        let calleeScopes = tables.scopeKeys.count - 1
        let scopeCapacity = calleeScopes == 0 ? 0 : Self.powerOfTwo(atLeast: calleeScopes * 2)
        let placements = slots.map(Self.place)

        var size = RuleSnapshotView.levelsOffset + LevelCode.tableCount * MemoryLayout<LevelDescriptor>.stride
        func reserve(_ bytes: Int) -> Int {
            size = (size + 63) & ~63
            defer { size += bytes }
            return size
        }
        var header = ArenaHeader(
            scopeCount: tables.scopeKeys.count, scopeTableMask: max(scopeCapacity - 1, 0), scopeTableOffset: 0,
            scopeMasksOffset: 0, scopeBytesOffset: 0, overflowOffset: 0, overflowCount: overflow.count,
            schedulesOffset: 0, labelsOffset: 0, labelCount: tables.labels.count, clockOffset: 0,
            clockCount: clock.offsets.count, clockStartSeconds: clock.start, totalBytes: 0)
        header.scopeMasksOffset = reserve(masks.count * 4)
        header.scopeTableOffset = reserve(scopeCapacity * MemoryLayout<ScopeSlot>.stride)
        header.scopeBytesOffset = reserve(scopeKeyBytes.reduce(0) { $0 + $1.count })
        header.overflowOffset = reserve(overflow.count * MemoryLayout<RuleRecord>.stride)
        header.schedulesOffset = reserve(tables.schedules.count * MemoryLayout<ScheduleRecord>.stride)
        header.clockOffset = reserve(clock.offsets.count * 4)
        let levels = placements.enumerated().map { code, placement in
            LevelDescriptor(
                fingerprintsOffset: reserve(placement.fingerprints.count * 2),
                slotsOffset: reserve(placement.fingerprints.count * MemoryLayout<LevelSlot>.stride),
                capacity: placement.capacity, keyCount: slots[code].count,
                lowestDigits: slots[code].lazy.map(\.digits).min() ?? UInt64.max,
                highestDigits: slots[code].lazy.map(\.digits).max() ?? 0)
        }
        header.labelsOffset = reserve(tables.labels.count * 2 * MemoryLayout<String>.stride)
        header.totalBytes = (size + 63) & ~63

        let arena = UnsafeMutableRawPointer.allocate(byteCount: header.totalBytes, alignment: 64)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: header.totalBytes)
        arena.storeBytes(of: header, as: ArenaHeader.self)
        for (code, level) in levels.enumerated() {
            arena.storeBytes(
                of: level, toByteOffset: RuleSnapshotView.levelsOffset + code * MemoryLayout<LevelDescriptor>.stride,
                as: LevelDescriptor.self)
            fill(arena, level: level, slots: slots[code], placement: placements[code])
        }
        for (index, mask) in masks.enumerated() {
            arena.storeBytes(of: mask, toByteOffset: header.scopeMasksOffset + index * 4, as: UInt32.self)
        }
        fillScopes(arena, header: header, capacity: scopeCapacity, keyBytes: scopeKeyBytes)
        for (index, record) in overflow.enumerated() {
            arena.storeBytes(
                of: record, toByteOffset: header.overflowOffset + index * MemoryLayout<RuleRecord>.stride,
                as: RuleRecord.self)
        }
        for (index, schedule) in tables.schedules.enumerated() {
            guard let schedule else { continue }
            let record = ScheduleRecord(
                days: schedule.days.rawValue, reserved: 0, startMinute: UInt16(schedule.startMinute),
                endMinute: UInt16(schedule.endMinute), reserved2: 0)
            arena.storeBytes(
                of: record, toByteOffset: header.schedulesOffset + index * MemoryLayout<ScheduleRecord>.stride,
                as: ScheduleRecord.self)
        }
        for (index, offset) in clock.offsets.enumerated() {
            arena.storeBytes(of: offset, toByteOffset: header.clockOffset + index * 4, as: Int32.self)
        }
        let labels = (arena + header.labelsOffset).bindMemory(to: String.self, capacity: tables.labels.count * 2)
        for (index, label) in tables.labels.enumerated() {
            (labels + index * 2).initialize(to: label.reason)
            (labels + index * 2 + 1).initialize(to: label.target)
        }
        let statistics = RuleSnapshotStatistics(
            rules: prepared.count, keys: slots.reduce(0) { $0 + $1.count }, calleeScopes: calleeScopes,
            labels: tables.labels.count, schedules: tables.schedules.count - 1, arenaBytes: header.totalBytes,
            compiledAt: compiledAt)
        return RuleSnapshot(arena: arena, labelCount: tables.labels.count, statistics: statistics)
    }

    /// The smallest power of two of at least `count` (and at least 4).
    static func powerOfTwo(atLeast count: Int) -> Int {
        var capacity = 4
        while capacity < count { capacity <<= 1 }
        return capacity
    }

    /// Where each slot of one table goes: its fingerprints (0 where empty, with at least eight
    /// empty entries at the end) and, per slot in order, its index.
    private struct Placement {
        var capacity: Int
        var fingerprints: [UInt16]
        var indexes: [Int]
    }

    /// Places a table's slots by forward-only linear probing from their home indexes.
    private static func place(_ slots: [LevelSlot]) -> Placement {
        let capacity = LevelHash.capacity(for: slots.count)
        guard capacity > 0 else { return Placement(capacity: 0, fingerprints: [], indexes: []) }
        var fingerprints = Array(repeating: UInt16(0), count: capacity + 8)
        var indexes: [Int] = []
        indexes.reserveCapacity(slots.count)
        for slot in slots {
            let hash = LevelHash.mix(digits: slot.digits, tag: slot.scopeTag)
            var index = LevelHash.index(hash, capacity: capacity)
            while fingerprints[index] != 0 { index += 1 }
            fingerprints[index] = LevelHash.fingerprint(hash)
            // Keep eight empty entries after the last used one.
            while fingerprints.count < index + 9 { fingerprints.append(0) }
            indexes.append(index)
        }
        return Placement(capacity: capacity, fingerprints: fingerprints, indexes: indexes)
    }

    private func fill(_ arena: UnsafeMutableRawPointer, level: LevelDescriptor, slots: [LevelSlot], placement: Placement) {
        for (index, fingerprint) in placement.fingerprints.enumerated() where fingerprint != 0 {
            arena.storeBytes(of: fingerprint, toByteOffset: level.fingerprintsOffset + index * 2, as: UInt16.self)
        }
        for (slot, index) in zip(slots, placement.indexes) {
            arena.storeBytes(
                of: slot, toByteOffset: level.slotsOffset + index * MemoryLayout<LevelSlot>.stride, as: LevelSlot.self)
        }
    }

    private func fillScopes(
        _ arena: UnsafeMutableRawPointer, header: ArenaHeader, capacity: Int, keyBytes: [[UInt8]]
    ) {
        guard capacity > 0 else { return }
        var offset = 0
        for (index, key) in keyBytes.enumerated() {
            defer { offset += key.count }
            guard index > 0 else { continue }
            for (position, byte) in key.enumerated() {
                arena.storeBytes(of: byte, toByteOffset: header.scopeBytesOffset + offset + position, as: UInt8.self)
            }
            let hash = ScopeHash.hash(key)
            var slot = Int(hash) & (capacity - 1)
            while arena.load(fromByteOffset: header.scopeTableOffset + slot * MemoryLayout<ScopeSlot>.stride, as: ScopeSlot.self)
                .scope != 0
            {
                slot = (slot + 1) & (capacity - 1)
            }
            arena.storeBytes(
                of: ScopeSlot(hash: hash, scope: UInt32(index), bytesOffset: UInt32(offset), bytesCount: UInt32(key.count)),
                toByteOffset: header.scopeTableOffset + slot * MemoryLayout<ScopeSlot>.stride, as: ScopeSlot.self)
        }
    }
}
