/// What `callwarden --version` prints: the release this tree is and the commit it was built from.
///
/// `commit` is written here by `scripts/stamp-build` just before a release build (the Debian
/// package's, `scripts/package-deb`) and put back afterwards; any other build — a plain
/// `swift build`, or a tree from a tarball without `.git` — says `unknown`. Nothing is looked up at
/// run time.
package enum BuildInfo {
    package static let version = "0.14.0"
    package static let commit = "unknown"

    /// `callwarden 0.14.0 (commit 1a2b3c4d5e6f)`.
    package static var description: String { "callwarden \(version) (commit \(commit))" }
}
