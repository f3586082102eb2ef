/// The `Privacy` header's values (RFC 3323 §4.2, RFC 3325 §9.3, RFC 7044 `history`), over all rows.
///
/// Values are separated by `;` (RFC 3323) and, as some UAs write them, by `,`. Unknown values are
/// ignored; `critical` is recorded but Callwarden never *provides* privacy, it only reads it.
package struct SIPPrivacy: OptionSet, Hashable, Sendable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }

    package static let header = SIPPrivacy(rawValue: 1 << 0)
    package static let session = SIPPrivacy(rawValue: 1 << 1)
    package static let user = SIPPrivacy(rawValue: 1 << 2)
    package static let none = SIPPrivacy(rawValue: 1 << 3)
    package static let critical = SIPPrivacy(rawValue: 1 << 4)
    /// Hide the asserted identity from untrusted parties (RFC 3325).
    package static let id = SIPPrivacy(rawValue: 1 << 5)
    package static let history = SIPPrivacy(rawValue: 1 << 6)

    /// Whether the caller asked not to show who they are: `id`, `header` or `user` without `none`.
    package var restrictsPresentation: Bool {
        !contains(.none) && !isDisjoint(with: [.id, .header, .user])
    }

    /// Reads every `Privacy` row of `message`.
    package init(_ message: SIPMessage) {
        var privacy = SIPPrivacy()
        let bytes = message.bytes.span
        for field in message.headers where field.name == .privacy {
            SIPValueList.forEachElement(bytes, field.value) { element in
                SIPValueList.forEachElement(bytes, element, separator: ASCII.semicolon, outsideAngleBrackets: false) {
                    privacy.formUnion(Self.value(bytes, $0))
                }
            }
        }
        self = privacy
    }

    private static func value(_ bytes: Span<UInt8>, _ range: Range<Int>) -> SIPPrivacy {
        if bytes.equalsIgnoringCase(range, "id") { return .id }
        if bytes.equalsIgnoringCase(range, "header") { return .header }
        if bytes.equalsIgnoringCase(range, "user") { return .user }
        if bytes.equalsIgnoringCase(range, "none") { return .none }
        if bytes.equalsIgnoringCase(range, "session") { return .session }
        if bytes.equalsIgnoringCase(range, "critical") { return .critical }
        if bytes.equalsIgnoringCase(range, "history") { return .history }
        return []
    }
}
