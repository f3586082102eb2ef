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
    /// The overflow table: every rule of each run key (see ``LevelEntry``).
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

/// Where one level's table lies: an open-addressing array of 32-byte ``LevelEntry`` records, two
/// to a cache line (the table starts 64-byte aligned), so that a hit reads one line and nothing
/// else: the key, the rule, its expiry and its label index lie together. A key's home index is
/// its hash mapped onto `capacity` by multiply-shift (any capacity, not a power of two); linear
/// probing runs forward only, into a tail past `capacity` rather than wrapping, and a key of 0
/// marks an empty entry (the table ends with at least one). Tables are at most half full, so a
/// question without a rule stops after ~2.5 entries on average, mostly within the same line pair.
/// The smallest and largest key digits bound the table: at a prefix level a question outside them
/// is answered without hashing or touching the table (number ranges sit together in a few number
/// blocks, so most callers miss them by range; exact numbers do not, so the exact level ignores it).
struct LevelDescriptor {
    var entriesOffset: Int
    var capacity: Int
    var keyCount: Int
    var lowestDigits: UInt64
    var highestDigits: UInt64
}

/// One key of a level table (32 bytes). Most keys have one rule, held inline. A key with several
/// rules, or in a scope whose tag does not fit the key's 14 tag bits, is a *run*: its rules lie in
/// the overflow table, best first, and the entry says where.
struct LevelEntry {
    /// The key's digits (< 2^50: at most 15 decimal digits) with the scope tag in the top 14 bits
    /// (``wideTag`` for tags that do not fit); never 0, which marks an empty entry.
    var key: UInt64
    /// Inline: the rule id. Run: the index of the key's first rule in the overflow table.
    var id: Int64
    /// Inline: microseconds since the epoch, `Int64.max` for never. Run: the full scope tag.
    var expiresAt: Int64
    /// Inline: index into the label table (reason and redirect target).
    var label: UInt32
    /// Inline: index into the schedule table; 0 for "always".
    var schedule: UInt16
    /// Inline: the action's ``RuleOutcome`` raw value.
    var outcome: UInt8
    /// ``isRun`` or 0.
    var flags: UInt8

    static let isRun: UInt8 = 1
    /// Key digits are below this (every prefix and E.164 number has at most 15 digits).
    static let digitLimit: UInt64 = 1 << 50
    /// The tag bits of scopes with tag 16383 or more (their entries are runs holding the full tag).
    static let wideTag: UInt32 = 0x3FFF

    /// The key of (digits, tag); digits must be below ``digitLimit``.
    @inline(__always)
    static func key(digits: UInt64, tag: UInt32) -> UInt64 {
        digits | UInt64(min(tag, wideTag)) << 50
    }
}

/// A rule of a run key (see ``LevelEntry``), in the overflow table. A key's rules lie together,
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
