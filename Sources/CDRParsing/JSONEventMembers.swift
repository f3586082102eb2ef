/// The values of the event schema's known fields found in one JSON line, before they are checked.
///
/// Collected first so that the version is checked before anything else: a line of a later schema
/// version is reported as ``CDRLineError/Code/unsupportedVersion``, not as whatever field changed.
struct JSONEventMembers {
    private var values: [JSONValue?] = Array(repeating: nil, count: CDRLineError.Field.allCases.count)

    subscript(field: CDRLineError.Field) -> JSONValue? {
        get { values[Self.slot(of: field)] }
        set { values[Self.slot(of: field)] = newValue }
    }

    /// The schema field a key names, or nil for a key the schema does not know (ignored).
    static func field(named key: JSONStringToken, in scanner: JSONScanner) -> CDRLineError.Field? {
        CDRLineError.Field.allCases.first { scanner.token(key, equals: $0.rawValue) }
    }

    private static func slot(of field: CDRLineError.Field) -> Int {
        switch field {
        case .time: 0
        case .callID: 1
        case .phase: 2
        case .caller: 3
        case .callee: 4
        case .callerName: 5
        case .assertedIdentity: 6
        case .privacy: 7
        case .disposition: 8
        case .start: 9
        case .duration: 10
        case .talkTime: 11
        case .version: 12
        }
    }
}
