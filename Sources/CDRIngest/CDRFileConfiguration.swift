package import CDRParsing

/// A CDR file the daemon follows.
package struct CDRFileConfiguration: Sendable, Hashable {
    package var path: String
    /// Nil: detect from the first lines.
    package var format: CDRFormat?

    package init(path: String, format: CDRFormat?) {
        self.path = path
        self.format = format
    }
}
