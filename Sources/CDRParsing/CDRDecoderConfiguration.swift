package import CallModel

/// What a decoder needs to know about the PBX that wrote the lines.
///
/// Deliberately not handled: per-trunk number plans (one plan serves every line) and per-file
/// time zones; Asterisk with `usegmtime=yes` needs ``timeZone`` set to ``CallModel/LocalTimeZone/utc``.
package struct CDRDecoderConfiguration: Sendable {
    /// How numbers as written by the PBX become E.164 numbers and extensions.
    package var plan: NumberPlan
    /// The zone of the PBX's local wall-clock timestamps (CSV formats; JSON carries offsets).
    package var timeZone: LocalTimeZone
    /// Which optional columns Asterisk lines carry.
    package var asteriskColumns: AsteriskColumnLayout

    package init(plan: NumberPlan, timeZone: LocalTimeZone = .utc, asteriskColumns: AsteriskColumnLayout = .auto) {
        self.plan = plan
        self.timeZone = timeZone
        self.asteriskColumns = asteriskColumns
    }
}
