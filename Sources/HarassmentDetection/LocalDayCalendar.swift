import CallModel

/// Numbers the local calendar day of an instant (days since 1970-01-01 in the configured zone).
///
/// The zone's resolver takes a local wall-clock time, so the offset is looked up twice: once at the
/// UTC wall-clock time as a guess, then at the local time that guess gives. Within an hour of a DST
/// change the day of a call near midnight can still come out one off; harmless for counting days.
struct LocalDayCalendar: Sendable {
    let timeZone: LocalTimeZone

    func day(of microseconds: Int64) -> Int32 {
        let guess = timeZone.offsetSeconds(CivilDateTime(utc: Timestamp(microsecondsSinceEpoch: microseconds)))
        let local = CivilDateTime(utc: Timestamp(microsecondsSinceEpoch: microseconds &+ Int64(guess) * 1_000_000))
        let offset = Int64(timeZone.offsetSeconds(local))
        let seconds = Timestamp(microsecondsSinceEpoch: microseconds).secondsSinceEpoch + offset
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return Int32(truncatingIfNeeded: day)
    }
}
