/// A secret (a push or AMI secret, an ESL password, a HEP auth key, a webhook key, an API token)
/// that never prints itself: its description, debug description and mirror say `<redacted>`, so
/// that a struct holding it can be logged or reflected (Service Lifecycle logs every service it
/// starts at debug) without leaking it. Compared only in constant time (``matches(_:)``).
///
/// Deliberately not handled: wiping the bytes from memory when it is dropped.
package struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable,
    ExpressibleByStringLiteral
{
    /// The secret's bytes, for the one place that sends or keys with it. Never log them.
    package let bytes: [UInt8]

    package init(bytes: [UInt8]) { self.bytes = bytes }

    package init(_ text: String) { self.bytes = Array(text.utf8) }

    package init(stringLiteral value: String) { self.init(value) }

    /// The secret as UTF-8 text, for protocols that send it as text (AMI `Secret:`, ESL `auth`).
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    package var isEmpty: Bool { bytes.isEmpty }

    /// Whether `presented` equals the secret, in time that does not depend on where they differ.
    package func matches(_ presented: some Collection<UInt8>) -> Bool { SecretComparison.matches(presented, bytes) }

    package func matches(_ presented: String) -> Bool { matches(Array(presented.utf8)) }

    package static func == (lhs: Secret, rhs: Secret) -> Bool { lhs.matches(rhs.bytes) }

    package func hash(into hasher: inout Hasher) { hasher.combine(bytes) }

    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
    package var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Compares a presented secret with the configured one in time that depends only on their lengths,
/// not on where they first differ, so that timing does not reveal a prefix of the secret. The one
/// comparison every secret check uses (push `AUTH`, HEP auth key, API bearer tokens).
/// Deliberately not handled: hiding the secret's length (the loop runs over the longer of the two).
package enum SecretComparison {
    package static func matches(_ presented: some Collection<UInt8>, _ expected: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: presented.count ^ expected.count)
        difference |= UInt8(truncatingIfNeeded: (presented.count ^ expected.count) >> 8)
        var presentedIterator = presented.makeIterator()
        let length = max(presented.count, expected.count)
        for index in 0..<length {
            let left = presentedIterator.next() ?? 0
            let right = index < expected.count ? expected[index] : 0
            difference |= left ^ right
        }
        return difference == 0 && presented.count == expected.count
    }
}
