/// The plain-data records a compiled ``RuleSnapshot`` lays out in its one allocation (the arena).
///
/// Every record is a trivial type read in place through pointers: nothing in the arena is
/// reference-counted except the label strings, which only ``RuleSnapshotView/decision`` copies out.

/// Level codes: one open-addressing table per kind of key.
enum LevelCode {
    /// `unidentified` rules (the key's digits are 0).
    static let unidentified = 0
    /// Prefix rules of 1 ... 15 digits use their digit count as their level.
    static let longestPrefix = 15
    /// Exact numbers: longer than any prefix.
    static let exact = 16
    /// How many levels there are.
    static let count = 17
    /// How many tables there are: each level has one for the global scope and one shared by all
    /// callee scopes, so that the (usually few) scoped keys sit in small tables that stay in cache.
    static let tableCount = 2 * count

    /// The table of `level` for the scope with tag `tag` (scope index + 1; 1 is global).
    @inline(__always)
    static func table(level: Int, tag: UInt32) -> Int { tag == 1 ? level : level &+ count }
}

/// The fixed part at the start of the arena: where everything else lies.
struct ArenaHeader {
    /// Number of scopes, the global scope (index 0) included.
    var scopeCount: Int
    /// Capacity − 1 of the callee-scope table (a power of two), 0 when there are no callee scopes.
    var scopeTableMask: Int
    var scopeTableOffset: Int
    /// One `UInt32` level mask per scope index: bit `n` set when the scope has keys at level `n`.
    var scopeMasksOffset: Int
    var scopeBytesOffset: Int
    /// The overflow table: the rules after the first of each key.
    var overflowOffset: Int
    var overflowCount: Int
    var schedulesOffset: Int
    var labelsOffset: Int
    var labelCount: Int
    /// UTC offsets (`Int32` seconds) per quarter hour from ``clockStartSeconds``; none without schedules.
    var clockOffset: Int
    var clockCount: Int
    var clockStartSeconds: Int64
    var totalBytes: Int
}

/// Where one level's table lies. A level table is two parallel arrays: 16-bit fingerprints,
/// scanned first (four at a time) and small enough to stay in cache, and the slots, read only
/// where a fingerprint matches. A key's home index is its hash mapped onto `capacity` by
/// multiply-shift (any capacity, not a power of two); linear probing runs forward only, into a
/// tail past `capacity` rather than wrapping, and fingerprint 0 marks an empty slot. The
/// fingerprint array ends with at least eight empty entries, so a group load never leaves it.
/// The smallest and largest key digits bound the table: at a prefix level a question outside them
/// is answered without hashing or touching the table (number ranges sit together in a few number
/// blocks, so most callers miss them by range; exact numbers do not, so the exact level ignores it).
struct LevelDescriptor {
    var fingerprintsOffset: Int
    var slotsOffset: Int
    var capacity: Int
    var keyCount: Int
    var lowestDigits: UInt64
    var highestDigits: UInt64
}

/// One key of a level table with its best rule inline, so that a hit reads one slot and nothing
/// else. Further rules of the same key (rare) lie in the overflow table from ``next`` on.
struct LevelSlot {
    /// The number (exact level) or the prefix's digits as an integer; 0 for `unidentified`.
    var digits: UInt64
    var id: Int64
    /// Microseconds since the epoch; `Int64.max` for never.
    var expiresAt: Int64
    /// Index of the key's next rule in the overflow table; ``noOverflow`` when there is none.
    var next: UInt32
    /// Index into the label table (reason and redirect target).
    var label: UInt32
    /// Scope index + 1.
    var scopeTag: UInt32
    /// Index into the schedule table; 0 for "always".
    var schedule: UInt16
    /// The action's ``RuleOutcome`` raw value.
    var outcome: UInt8
    var reserved: UInt8

    static let noOverflow = UInt32.max
}

/// A rule after the first of its key, in the overflow table. A key's overflow rules lie together,
/// best first (see the module's precedence); the last one has ``lastInRun`` set in ``flags``.
struct RuleRecord {
    var id: Int64
    /// Microseconds since the epoch; `Int64.max` for never.
    var expiresAt: Int64
    var label: UInt32
    /// Index into the schedule table; 0 for "always".
    var schedule: UInt16
    /// The action's ``RuleOutcome`` raw value, plus ``lastInRun``.
    var flags: UInt8
    var reserved: UInt8

    static let lastInRun: UInt8 = 0x80
    static let outcomeMask: UInt8 = 0x0F
}

/// A compiled ``CallModel/RuleSchedule``.
struct ScheduleRecord {
    var days: UInt8
    var reserved: UInt8
    var startMinute: UInt16
    var endMinute: UInt16
    var reserved2: UInt16

    func isInForce(weekday: Int, minuteOfDay: Int) -> Bool {
        let start = Int(startMinute)
        let end = Int(endMinute)
        let today = days & (UInt8(1) << UInt8(weekday)) != 0
        if start < end { return today && minuteOfDay >= start && minuteOfDay < end }
        if minuteOfDay >= start { return today }
        let yesterday = weekday == 0 ? 6 : weekday - 1
        return minuteOfDay < end && days & (UInt8(1) << UInt8(yesterday)) != 0
    }
}

/// One slot of the callee-scope table: the scope key's hash and where its bytes lie.
struct ScopeSlot {
    var hash: UInt32
    /// Scope index (≥ 1); 0 marks an empty slot.
    var scope: UInt32
    var bytesOffset: UInt32
    var bytesCount: UInt32
}
