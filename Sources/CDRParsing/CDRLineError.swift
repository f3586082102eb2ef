/// Why one line could not be decoded.
///
/// The payload is a few machine words (no strings, no formatting) so that a file full of bad lines
/// costs no more than a file of good ones; ``description`` builds the message only when asked.
/// It never contains the line's content: CDRs carry personal data.
package struct CDRLineError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    package enum Code: String, Hashable, Sendable, CaseIterable {
        /// Longer than ``CDRLineDecoder/maximumLineLength`` bytes.
        case lineTooLong = "line-too-long"
        /// A CSV line with a column count the format (or the configured layout) does not have.
        case wrongColumnCount = "wrong-column-count"
        /// A quoted CSV field that the line ends inside.
        case unterminatedQuote = "unterminated-quote"
        /// A quoted CSV field followed by something other than `,` or the end of the line.
        case textAfterQuotedField = "text-after-quoted-field"
        /// A date or time that is not in the expected form or not on the calendar.
        case badTimestamp = "bad-timestamp"
        /// An integer field with something other than digits, or too large.
        case badInteger = "bad-integer"
        /// A required field is absent (JSON) or empty (CSV call id, CSV end time).
        case missingField = "missing-field"
        /// A JSON field has the wrong type (a number where a string belongs, ...).
        case badFieldType = "bad-field-type"
        /// A JSON field has the right type but a value the schema does not allow.
        case badFieldValue = "bad-field-value"
        /// A JSON `phase` that is not one of the schema's phases.
        case unknownPhase = "unknown-phase"
        /// A JSON `v` other than 1.
        case unsupportedVersion = "unsupported-version"
        /// A known JSON field appears twice.
        case duplicateField = "duplicate-field"
        /// Not JSON: bad syntax, an invalid escape or number, or trailing data.
        case badJSON = "bad-json"
        /// JSON nested deeper than ``JSONScanner/maximumDepth``.
        case nestingTooDeep = "nesting-too-deep"
        /// Bytes that are not UTF-8 inside a JSON string.
        case invalidUTF8 = "invalid-utf8"
    }

    /// A field of Callwarden's JSON event schema, for errors that concern one.
    package enum Field: String, Hashable, Sendable, CaseIterable {
        case time
        case callID = "call_id"
        case phase
        case caller
        case callee
        case callerName = "caller_name"
        case assertedIdentity = "asserted_identity"
        case privacy
        case disposition
        case start
        case duration
        case talkTime = "talk_time"
        case version = "v"
    }

    package var code: Code
    /// The 1-based CSV column the error concerns (protocols.md numbering), when it concerns one.
    package var column: Int?
    /// The JSON field the error concerns, when it concerns one.
    package var field: Field?
    /// The 0-based byte offset in the line where JSON syntax went wrong, when known.
    package var byteOffset: Int?

    package init(_ code: Code, column: Int? = nil, field: Field? = nil, byteOffset: Int? = nil) {
        self.code = code
        self.column = column
        self.field = field
        self.byteOffset = byteOffset
    }

    /// `bad-timestamp (column 12)`, `missing-field (field call_id)`, `bad-json (byte 17)`.
    package var description: String {
        var text = code.rawValue
        if let column { text += " (column \(column))" }
        if let field { text += " (field \(field.rawValue))" }
        if let byteOffset { text += " (byte \(byteOffset))" }
        return text
    }
}
