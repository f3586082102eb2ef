package import CallModel

/// Compiles rules from the store into a ``RuleSnapshot``, off the hot path.
///
/// Each rule is validated first; a bad rule is left out and reported as a ``RuleRejection``
/// (never a trap), and the snapshot is built from the rest, so one bad row cannot switch all
/// blocking off. Rules already expired at the compile time are dropped and counted. The time
/// zone is only consulted when some rule has a schedule: the snapshot then keeps a table of the
/// zone's UTC offsets per quarter hour from one day before the compile time to
/// ``clockWindowDays`` after it (readers never call the zone's resolver). Deliberately not
/// handled: keeping a snapshot fresh for longer than that window — the refresher recompiles
/// daily — and more than 65,535 distinct schedules in one snapshot (the rest are rejected).
package struct RuleSnapshotCompiler: Sendable {
    /// How far past the compile time the offset table reaches.
    package static let clockWindowDays: Int64 = 36

    package var timeZone: LocalTimeZone

    /// Advice for the memory of a new arena of 2 MiB or more (start, bytes: whole 2 MiB pages of
    /// a 2 MiB-aligned allocation), given before the memory is first touched. The daemon passes
    /// one that asks the kernel for transparent huge pages (this module makes no system calls):
    /// a decision at a million rules reads one random cache line of a ~64 MB arena, and with
    /// 4 KiB pages each such read also misses the TLB.
    package typealias ArenaAdvice = @Sendable (UnsafeMutableRawPointer, Int) -> Void

    package var arenaAdvice: ArenaAdvice?

    package init(timeZone: LocalTimeZone, arenaAdvice: ArenaAdvice? = nil) {
        self.timeZone = timeZone
        self.arenaAdvice = arenaAdvice
    }

    /// Compiles `rules` as they stand at `now` (processing time).
    package func compile(_ rules: [Rule], at now: Timestamp) -> RuleCompilation {
        var tables = CompileTables()
        var prepared: [PreparedRule] = []
        prepared.reserveCapacity(rules.count)
        var rejected: [RuleRejection] = []
        var expired = 0
        var seenIDs = Set<Int64>(minimumCapacity: rules.count)
        for rule in rules {
            if let problem = RuleValidation.problem(with: rule) {
                rejected.append(RuleRejection(ruleID: rule.id, reason: problem))
                continue
            }
            guard let id = rule.id, seenIDs.insert(id).inserted else {
                rejected.append(RuleRejection(ruleID: rule.id, reason: "duplicate rule id"))
                continue
            }
            if !rule.isActive(at: now) {
                expired += 1
                continue
            }
            guard prepared.count < Int(UInt32.max) - 1 else {
                rejected.append(RuleRejection(ruleID: id, reason: "the snapshot is full (4 billion rules)"))
                continue
            }
            var schedule: UInt16 = 0
            if let ruleSchedule = rule.schedule {
                guard let index = tables.schedule(ruleSchedule) else {
                    rejected.append(RuleRejection(ruleID: id, reason: "more than 65,535 distinct schedules"))
                    continue
                }
                schedule = index
            }
            let key = RuleValidation.key(of: rule.match)
            let outcome = RuleOutcome(rule.action)
            prepared.append(
                PreparedRule(
                    level: key.level, scope: tables.scope(rule.scope), digits: key.digits, rank: outcome.rank, id: id,
                    expiresAt: rule.expiresAt?.microsecondsSinceEpoch ?? Int64.max,
                    label: tables.label(reason: rule.reason, target: rule.action.redirectTarget ?? ""),
                    schedule: schedule, outcome: outcome))
        }
        prepared.sort(by: PreparedRule.precedes)
        let clock = tables.schedules.count > 1 ? clockTable(around: now) : (start: Int64(0), offsets: [Int32]())
        let snapshot = ArenaBuilder(prepared: prepared, tables: tables, clock: clock, advice: arenaAdvice)
            .build(compiledAt: now)
        return RuleCompilation(snapshot: snapshot, rejected: rejected, expiredDropped: expired)
    }

    /// The zone's offset per quarter hour over the snapshot's window.
    private func clockTable(around now: Timestamp) -> (start: Int64, offsets: [Int32]) {
        let slot = LocalClockReading.slotSeconds
        let from = now.secondsSinceEpoch - 86_400
        let start = (from >= 0 ? from / slot : (from - slot + 1) / slot) * slot
        let count = Int((Self.clockWindowDays + 1) * 86_400 / slot)
        var offsets: [Int32] = []
        offsets.reserveCapacity(count)
        for index in 0..<count {
            let instant = Timestamp(secondsSinceEpoch: start + Int64(index) * slot)
            offsets.append(Int32(clamping: timeZone.offsetSeconds(at: instant)))
        }
        return (start, offsets)
    }
}

/// What a compile produced: the snapshot, the rules it refused and how many had expired.
package struct RuleCompilation: Sendable {
    package let snapshot: RuleSnapshot
    package let rejected: [RuleRejection]
    /// Rules left out because they had expired at the compile time.
    package let expiredDropped: Int
}

/// One validated rule reduced to its compiled fields.
struct PreparedRule {
    var level: Int
    var scope: UInt32
    var digits: UInt64
    var rank: Int
    var id: Int64
    var expiresAt: Int64
    var label: UInt32
    var schedule: UInt16
    var outcome: RuleOutcome

    /// Key order (level, scope, digits), then precedence within a key: rank, then lowest id.
    static func precedes(_ lhs: Self, _ rhs: Self) -> Bool {
        if lhs.level != rhs.level { return lhs.level < rhs.level }
        if lhs.scope != rhs.scope { return lhs.scope < rhs.scope }
        if lhs.digits != rhs.digits { return lhs.digits < rhs.digits }
        if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
        return lhs.id < rhs.id
    }

    func sameKey(as other: Self) -> Bool {
        level == other.level && scope == other.scope && digits == other.digits
    }
}

/// The interned parts of a compile: scopes, labels and schedules, each numbered once.
struct CompileTables {
    /// Scope keys by index; index 0 is the global scope.
    private(set) var scopeKeys: [String] = [""]
    private var scopeIndexes: [String: UInt32] = [:]
    /// (reason, redirect target) pairs by index.
    private(set) var labels: [(reason: String, target: String)] = []
    private var labelIndexes: [LabelKey: UInt32] = [:]
    /// Schedules by index; index 0 stands for "always" and is never read.
    private(set) var schedules: [RuleSchedule?] = [nil]
    private var scheduleIndexes: [RuleSchedule: UInt16] = [:]

    private struct LabelKey: Hashable {
        var reason: String
        var target: String
    }

    mutating func scope(_ key: String?) -> UInt32 {
        guard let key else { return 0 }
        if let index = scopeIndexes[key] { return index }
        let index = UInt32(scopeKeys.count)
        scopeKeys.append(key)
        scopeIndexes[key] = index
        return index
    }

    mutating func label(reason: String, target: String) -> UInt32 {
        let key = LabelKey(reason: reason, target: target)
        if let index = labelIndexes[key] { return index }
        let index = UInt32(labels.count)
        labels.append((reason, target))
        labelIndexes[key] = index
        return index
    }

    mutating func schedule(_ schedule: RuleSchedule) -> UInt16? {
        if let index = scheduleIndexes[schedule] { return index }
        guard schedules.count <= Int(UInt16.max) else { return nil }
        let index = UInt16(schedules.count)
        schedules.append(schedule)
        scheduleIndexes[schedule] = index
        return index
    }
}
