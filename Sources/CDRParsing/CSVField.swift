/// Where one CSV field's content lies in a line: byte offsets, quotes excluded.
///
/// Deliberately just offsets: a field becomes a `String` only when the event keeps it.
struct CSVField: Hashable, Sendable {
    /// Offset of the first content byte (after an opening quote).
    var start: Int
    /// Offset one past the last content byte (before a closing quote).
    var end: Int
    /// Whether the content contains doubled quotes (`""`) that stand for one `"`.
    var hasDoubledQuotes: Bool

    var isEmpty: Bool { start == end }
    var count: Int { end - start }
}
