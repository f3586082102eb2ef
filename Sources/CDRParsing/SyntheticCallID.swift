/// A stable call id for Asterisk records that carry neither linkedid nor uniqueid.
///
/// `cdr-` followed by 16 lower-case hex digits of the 64-bit FNV-1a hash of the raw bytes of the
/// `start`, `src`, `dst` and `channel` fields as they appear in the line, separated by 0x1F.
/// The same record always gets the same id on every machine and run, so a replayed file does not
/// create new calls. Two records collide only when they share start second, caller, destination
/// and channel (then they are the same call) or by a 64-bit hash accident. Deliberately not
/// handled: grouping several legs of one call (they differ in channel and get different ids).
enum SyntheticCallID {
    static let prefix = "cdr-"
    /// The 1-based columns hashed, in order: start, src, dst, channel.
    static let columns = [10, 2, 3, 6]

    static func make(line: UnsafeRawBufferPointer, fields: CSVFieldList) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (position, column) in columns.enumerated() {
            if position > 0 { hash = (hash ^ 0x1F) &* 0x0000_0100_0000_01B3 }
            guard column - 1 < fields.count else { continue }
            let field = fields[column - 1]
            guard field.start >= 0, field.start <= field.end, field.end <= line.count else { continue }
            for index in field.start..<field.end {
                hash = (hash ^ UInt64(line[index])) &* 0x0000_0100_0000_01B3
            }
        }
        let hex = String(hash, radix: 16)
        return prefix + String(repeating: "0", count: 16 - hex.utf8.count) + hex
    }
}
