/// The `Key: Value` lines of one AMI or ESL message, in order; keys may repeat (AMI
/// `ChanVariable`), lookups give the first.
package struct HeaderBlock: Sendable, Hashable {
    package private(set) var fields: [(key: String, value: String)] = []

    package init(_ fields: [(key: String, value: String)] = []) { self.fields = fields }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.key == $1.key && $0.value == $1.value }
    }

    package func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.key)
            hasher.combine(field.value)
        }
    }

    package var isEmpty: Bool { fields.isEmpty }

    /// The first value of `key` (keys compare case-insensitively, as both servers treat them).
    package subscript(_ key: String) -> String? {
        for field in fields where field.key.count == key.count && field.key.lowercased() == key.lowercased() {
            return field.value
        }
        return nil
    }

    mutating func append(key: String, value: String) { fields.append((key, value)) }

    /// Splits `Key: Value` (also `Key:Value`) at the first colon; nil for a line without one.
    static func split(_ line: Substring) -> (key: String, value: String)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        var value = line[line.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        return (String(line[..<colon]), String(value))
    }
}
