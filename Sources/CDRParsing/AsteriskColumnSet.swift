/// Which optional columns an Asterisk `cdr_csv` writes after the 16 fixed ones, mirroring the
/// `[csv]` options in `cdr.conf`: `loguniqueid`, `loguserfield` and `newcdrcolumns`
/// (peeraccount, linkedid, sequence), always in that order (protocols.md §1.1).
///
/// Column numbers are 1-based, as in the protocols table and in ``CDRLineError/column``.
/// Deliberately not handled: `cdr_custom` mappings, whose order is free.
package struct AsteriskColumnSet: Hashable, Sendable {
    /// `loguniqueid=yes`: the channel's uniqueid follows amaflags.
    package var uniqueID: Bool
    /// `loguserfield=yes`: the userfield follows (uniqueid and) amaflags.
    package var userField: Bool
    /// `newcdrcolumns=yes`: peeraccount, linkedid and sequence close the record.
    package var newCDRColumns: Bool

    package init(uniqueID: Bool, userField: Bool, newCDRColumns: Bool) {
        self.uniqueID = uniqueID
        self.userField = userField
        self.newCDRColumns = newCDRColumns
    }

    /// The 16 columns every `cdr_csv` writes.
    package static let columns16 = Self(uniqueID: false, userField: false, newCDRColumns: false)
    /// 16 + uniqueid (`loguniqueid=yes`).
    package static let columns17 = Self(uniqueID: true, userField: false, newCDRColumns: false)
    /// 16 + uniqueid + userfield (the sample `cdr.conf`).
    package static let columns18 = Self(uniqueID: true, userField: true, newCDRColumns: false)
    /// 16 + peeraccount, linkedid, sequence (`newcdrcolumns=yes` alone).
    package static let columns19 = Self(uniqueID: false, userField: false, newCDRColumns: true)
    /// 16 + uniqueid + peeraccount, linkedid, sequence.
    package static let columns20 = Self(uniqueID: true, userField: false, newCDRColumns: true)
    /// All options on: 16 + uniqueid + userfield + peeraccount, linkedid, sequence.
    package static let columns21 = Self(uniqueID: true, userField: true, newCDRColumns: true)

    /// The set a line with this many columns most likely has. 17 and 20 are ambiguous (userfield
    /// instead of uniqueid); they are read as uniqueid, the far more common option. Nil for
    /// counts `cdr_csv` never writes.
    package static func inferred(columnCount: Int) -> Self? {
        switch columnCount {
        case 16: .columns16
        case 17: .columns17
        case 18: .columns18
        case 19: .columns19
        case 20: .columns20
        case 21: .columns21
        default: nil
        }
    }

    /// How many columns a line with this set has.
    package var columnCount: Int {
        16 + (uniqueID ? 1 : 0) + (userField ? 1 : 0) + (newCDRColumns ? 3 : 0)
    }

    /// 1-based column of the uniqueid, when logged.
    package var uniqueIDColumn: Int? { uniqueID ? 17 : nil }

    /// 1-based column of the linkedid, when logged.
    package var linkedIDColumn: Int? { newCDRColumns ? columnCount - 1 : nil }

    /// 1-based column of the sequence number, when logged.
    package var sequenceColumn: Int? { newCDRColumns ? columnCount : nil }
}
