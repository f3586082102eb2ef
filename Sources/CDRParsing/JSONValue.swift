/// A JSON value as ``JSONScanner`` reports it for a member of the top-level object: scalars by
/// value (strings as tokens, decoded on demand), nested objects and arrays only as "was here"
/// (they are validated and skipped; nothing in the event schema is nested).
enum JSONValue: Hashable, Sendable {
    case string(JSONStringToken)
    case number(JSONNumber)
    case bool(Bool)
    case null
    /// An object or array, skipped.
    case nested
}
