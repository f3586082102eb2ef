/// Where a JSON string's content lies in the line (quotes excluded), already validated:
/// escapes well-formed, surrogates paired, no control characters, valid UTF-8.
struct JSONStringToken: Hashable, Sendable {
    var start: Int
    var end: Int
    /// Whether the content has backslash escapes; if not, the bytes are the string.
    var hasEscapes: Bool
}
