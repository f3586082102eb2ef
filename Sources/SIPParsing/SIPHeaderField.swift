/// One header row of a message: its recognised name, where its name and value are.
///
/// `value` excludes the white space around it. A value continued by obsolete line folding
/// (``isFolded``) keeps the CRLF and blanks of the fold inside its range; every reader here treats
/// them as white space and ``SIPMessage/text(_:)`` turns each fold into one space.
package struct SIPHeaderField: Hashable, Sendable {
    package var name: SIPHeaderName
    /// The name as written (`Call-ID`, `i`, `X-Custom`).
    package var nameRange: Range<Int>
    /// The value, trimmed of white space at both ends.
    package var value: Range<Int>
    /// Whether the value spans continuation lines.
    package var isFolded: Bool

    package init(name: SIPHeaderName, nameRange: Range<Int>, value: Range<Int>, isFolded: Bool) {
        self.name = name
        self.nameRange = nameRange
        self.value = value
        self.isFolded = isFolded
    }
}
