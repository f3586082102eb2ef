/// The fields of the current CSV line: a fixed block of ``capacity`` slots reused line after line,
/// filled through one buffer pointer so that splitting does no per-field bookkeeping.
///
/// Deliberately not growable: no supported format has more than 21 columns, and a line with more
/// than ``capacity`` is rejected by the splitters.
struct CSVFieldList {
    static let capacity = 24
    private static let empty = CSVField(start: 0, end: 0, hasDoubledQuotes: false)

    private var storage = [CSVField](repeating: empty, count: capacity)
    /// How many fields the current line has.
    private(set) var count = 0

    /// The field at 0-based `index`; an empty field when the line has fewer.
    subscript(index: Int) -> CSVField {
        index >= 0 && index < count ? storage[index] : Self.empty
    }

    /// Replaces the fields with those `split` writes; it returns how many it wrote.
    mutating func fill(
        _ split: (UnsafeMutableBufferPointer<CSVField>) throws(CDRLineError) -> Int
    ) throws(CDRLineError) {
        count = 0
        let written = try storage.withUnsafeMutableBufferPointer { buffer throws(CDRLineError) -> Int in
            try split(buffer)
        }
        count = Swift.min(written, Self.capacity)
    }
}
