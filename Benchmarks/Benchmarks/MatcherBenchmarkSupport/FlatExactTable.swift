/// The yardstick of hot-path-scaling.md: a flat open-addressing table of exact numbers in raw
/// memory (16-byte entries: number and rule id, linear probing, at most half full), looked up with
/// no read section, no scopes, no expiry and no prefixes. MatcherProbe times it beside the matcher
/// on the same questions, so that the matcher's cost is reported as a ratio measured in one run.
package struct FlatExactTable: ~Copyable {
    private let entries: UnsafeMutablePointer<(number: UInt64, id: Int64)>
    private let mask: Int

    package init(numbers: [UInt64]) {
        var capacity = 16
        while capacity < numbers.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        entries = .allocate(capacity: capacity)
        entries.initialize(repeating: (0, 0), count: capacity)
        for (index, number) in numbers.enumerated() {
            var slot = Self.home(number, mask: mask)
            while entries[slot].number != 0 { slot = (slot + 1) & mask }
            entries[slot] = (number, Int64(index + 1))
        }
    }

    deinit { entries.deallocate() }

    @inline(__always)
    private static func home(_ number: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (number &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The rule id of `number`, 0 when there is none.
    @inline(__always)
    package func lookup(_ number: UInt64) -> Int64 {
        var slot = Self.home(number, mask: mask)
        while true {
            let entry = entries[slot]
            if entry.number == number { return entry.id }
            if entry.number == 0 { return 0 }
            slot = (slot &+ 1) & mask
        }
    }
}
