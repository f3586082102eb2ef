/// The local weekday and minute of one decision, read from a snapshot's offset table at most once
/// per decision and only when a scheduled rule is met.
struct LocalClockReading {
    /// Seconds per table slot: a quarter hour, the finest step at which any zone changes its offset.
    static let slotSeconds: Int64 = 900

    private(set) var isRead = false
    private(set) var weekday = 0
    private(set) var minuteOfDay = 0

    /// Reads the clock at `micros` from `count` offsets starting at `startSeconds`. Instants before
    /// or after the table use its first or last offset (the snapshot's documented window).
    mutating func read(micros: Int64, startSeconds: Int64, offsets: UnsafeRawPointer, count: Int) {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros &- 999_999) / 1_000_000
        var offset: Int64 = 0
        if count > 0 {
            let slot = seconds >= startSeconds ? (seconds &- startSeconds) / Self.slotSeconds : 0
            offset = Int64(offsets.load(fromByteOffset: Int(min(slot, Int64(count &- 1))) &* 4, as: Int32.self))
        }
        let local = seconds &+ offset
        let day = local >= 0 ? local / 86_400 : (local &- 86_399) / 86_400
        let dayIndex = (day &+ 3) % 7
        weekday = Int(dayIndex < 0 ? dayIndex &+ 7 : dayIndex)
        minuteOfDay = Int((local &- day &* 86_400) / 60)
        isRead = true
    }
}
