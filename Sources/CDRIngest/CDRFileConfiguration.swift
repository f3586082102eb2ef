package import CDRParsing

/// A CDR file the daemon follows.
package struct CDRFileConfiguration: Sendable, Hashable {
    /// Where a first start (no checkpoint stored for the file yet) begins reading.
    package enum Start: String, Sendable, Hashable, CaseIterable {
        /// At the file's current end: only what the PBX writes from now on (the default). The end
        /// is committed as the file's checkpoint at once, so a restart continues from there.
        case end
        /// At its first line: the history is imported. Episodes that ended before the daemon
        /// started open no incident and send no alert (they are marked historical).
        case beginning
    }

    package var path: String
    /// Nil: detect from the first lines.
    package var format: CDRFormat?
    package var start: Start

    package init(path: String, format: CDRFormat?, start: Start = .end) {
        self.path = path
        self.format = format
        self.start = start
    }
}
