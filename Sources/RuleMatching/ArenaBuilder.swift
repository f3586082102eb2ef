import CallModel

/// Lays sorted, prepared rules out in one allocation and fills its tables.
///
/// Layout, each part aligned to 64 bytes: header, level descriptors, scope masks, callee-scope
/// table and key bytes, overflow rule records, schedule records, clock offsets, per level and
/// kind of scope (global, callee) a table of 32-byte entries, and last the label strings (the
/// only non-trivial values, deinitialised on free). Level tables are at most half full
/// (``LevelHash/capacity(for:)``) and end with an empty entry, so a probe always stops.
struct ArenaBuilder {
    let prepared: [PreparedRule]
    let tables: CompileTables
    let clock: (start: Int64, offsets: [Int32])
    let advice: RuleSnapshotCompiler.ArenaAdvice?

    static let hugePageBytes = 2 << 20

    func build(compiledAt: Timestamp) -> RuleSnapshot {
        // One entry per key: its rule inline, or (several rules, or a tag too wide for the key) a
        // run of all its rules, best first, in the overflow table.
        var entries = Array(repeating: [LevelEntry](), count: LevelCode.tableCount)
        var masks = Array(repeating: UInt32(0), count: tables.scopeKeys.count)
        var overflow: [RuleRecord] = []
        var index = 0
        while index < prepared.count {
            let first = prepared[index]
            var end = index + 1
            while end < prepared.count && prepared[end].sameKey(as: first) { end += 1 }
            let tag = first.scope + 1
            let key = LevelEntry.key(digits: first.digits, tag: tag)
            let entry: LevelEntry
            if end - index == 1 && tag < LevelEntry.wideTag {
                entry = LevelEntry(
                    key: key, id: first.id, expiresAt: first.expiresAt, label: first.label, schedule: first.schedule,
                    outcome: first.outcome.rawValue, flags: 0)
            } else {
                entry = LevelEntry(
                    key: key, id: Int64(overflow.count), expiresAt: Int64(tag), label: 0, schedule: 0, outcome: 0,
                    flags: LevelEntry.isRun)
                for (position, rule) in prepared[index..<end].enumerated() {
                    let last = index + position == end - 1
                    overflow.append(
                        RuleRecord(
                            id: rule.id, expiresAt: rule.expiresAt, label: rule.label, schedule: rule.schedule,
                            flags: rule.outcome.rawValue | (last ? RuleRecord.lastInRun : 0), reserved: 0))
                }
            }
            entries[LevelCode.table(level: first.level, tag: tag)].append(entry)
            masks[Int(first.scope)] |= UInt32(1) << UInt32(first.level)
            index = end
        }

        let scopeKeyBytes = tables.scopeKeys.map { Array($0.utf8) }
        let calleeScopes = tables.scopeKeys.count - 1
        let scopeCapacity = calleeScopes == 0 ? 0 : Self.powerOfTwo(atLeast: calleeScopes * 2)
        let placements = entries.map(Self.place)

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
                entriesOffset: reserve(placement.count * MemoryLayout<LevelEntry>.stride),
                capacity: LevelHash.capacity(for: entries[code].count), keyCount: entries[code].count,
                lowestDigits: entries[code].lazy.map { $0.key % LevelEntry.digitLimit }.min() ?? UInt64.max,
                highestDigits: entries[code].lazy.map { $0.key % LevelEntry.digitLimit }.max() ?? 0)
        }
        header.labelsOffset = reserve(tables.labels.count * 2 * MemoryLayout<String>.stride)
        header.totalBytes = (size + 63) & ~63

        let arena: UnsafeMutableRawPointer
        if let advice, header.totalBytes >= Self.hugePageBytes {
            arena = UnsafeMutableRawPointer.allocate(byteCount: header.totalBytes, alignment: Self.hugePageBytes)
            advice(arena, header.totalBytes & ~(Self.hugePageBytes - 1))
        } else {
            arena = UnsafeMutableRawPointer.allocate(byteCount: header.totalBytes, alignment: 64)
        }
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: header.totalBytes)
        arena.storeBytes(of: header, as: ArenaHeader.self)
        for (code, level) in levels.enumerated() {
            arena.storeBytes(
                of: level, toByteOffset: RuleSnapshotView.levelsOffset + code * MemoryLayout<LevelDescriptor>.stride,
                as: LevelDescriptor.self)
            for (position, entry) in placements[code].enumerated() where entry.key != 0 {
                arena.storeBytes(
                    of: entry, toByteOffset: level.entriesOffset + position * MemoryLayout<LevelEntry>.stride,
                    as: LevelEntry.self)
            }
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
            rules: prepared.count, keys: entries.reduce(0) { $0 + $1.count }, calleeScopes: calleeScopes,
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

    /// One table's entries in place by forward-only linear probing from their home indexes
    /// (empty entries have key 0), with at least one empty entry after the last used one.
    private static func place(_ entries: [LevelEntry]) -> [LevelEntry] {
        let capacity = LevelHash.capacity(for: entries.count)
        guard capacity > 0 else { return [] }
        let empty = LevelEntry(key: 0, id: 0, expiresAt: 0, label: 0, schedule: 0, outcome: 0, flags: 0)
        var placed = Array(repeating: empty, count: capacity + 1)
        for entry in entries {
            let digits = entry.key % LevelEntry.digitLimit
            let tag = entry.flags & LevelEntry.isRun != 0 ? UInt32(entry.expiresAt) : UInt32(entry.key >> 50)
            var index = LevelHash.index(LevelHash.mix(digits: digits, tag: tag), capacity: capacity)
            while placed[index].key != 0 { index += 1 }
            placed[index] = entry
            if placed.count < index + 2 { placed.append(empty) }
        }
        return placed
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
