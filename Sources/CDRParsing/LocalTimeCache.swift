import CallModel

/// Turns local wall-clock times into instants, asking the zone resolver once per local hour.
///
/// The resolver behind ``CallModel/LocalTimeZone`` may consult the system zone database and is too
/// slow to call per line; CDR times arrive nearly in order, so a small direct-mapped cache keyed by
/// the local hour hits almost always. Deliberately not handled: zones whose offset changes at a
/// time other than a whole local hour (none do today; the first time seen in an hour decides it).
struct LocalTimeCache {
    private static let slots = 8

    let zone: LocalTimeZone
    private var hourKeys: [Int64]
    private var offsets: [Int]

    init(zone: LocalTimeZone) {
        self.zone = zone
        self.hourKeys = Array(repeating: Int64.min, count: Self.slots)
        self.offsets = Array(repeating: 0, count: Self.slots)
    }

    /// The instant `civil` denotes in ``zone``.
    mutating func timestamp(for civil: CivilDateTime) -> Timestamp {
        // A unique number per local hour that needs no calendar arithmetic: yyyymmddhh.
        let hourKey = Int64(truncatingIfNeeded: civil.year) &* 1_000_000 &+ Int64(civil.month &* 10_000 &+ civil.day &* 100 &+ civil.hour)
        let slot = Int(truncatingIfNeeded: hourKey) & (Self.slots - 1)
        let offset: Int
        if hourKeys[slot] == hourKey {
            offset = offsets[slot]
        } else {
            offset = zone.offsetSeconds(civil)
            hourKeys[slot] = hourKey
            offsets[slot] = offset
        }
        return civil.timestamp(utcOffsetSeconds: offset)
    }
}
