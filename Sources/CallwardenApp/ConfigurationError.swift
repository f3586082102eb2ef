/// A configuration problem, naming the key (dotted path) and the reason.
package struct ConfigurationError: Error, CustomStringConvertible, Hashable {
    /// Dotted path of the offending key, e.g. `detection.repeat_caller.window`; empty for the file.
    package var key: String
    package var reason: String

    package init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    package var description: String { key.isEmpty ? reason : "\(key): \(reason)" }
}

/// Several configuration problems at once, so an operator can fix them in one go.
package struct ConfigurationErrors: Error, CustomStringConvertible {
    package var errors: [ConfigurationError]
    package var description: String { errors.map(\.description).joined(separator: "\n") }
}
