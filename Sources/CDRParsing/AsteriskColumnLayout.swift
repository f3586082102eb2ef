/// How ``CDRLineDecoder`` decides which optional Asterisk columns a line has.
///
/// Configure ``fixed(_:)`` when the PBX's `cdr.conf` is known (protocols.md advises configuring
/// rather than guessing); ``auto`` decides per line from its column count, reading the ambiguous
/// 17 and 20 as carrying the uniqueid (see ``AsteriskColumnSet/inferred(columnCount:)``).
package enum AsteriskColumnLayout: Hashable, Sendable {
    /// Decide per line from the number of columns (16–21).
    case auto
    /// Every line must have exactly this column set; other counts are a ``CDRLineError/Code/wrongColumnCount``.
    case fixed(AsteriskColumnSet)
}
