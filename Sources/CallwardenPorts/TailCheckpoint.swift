package import CallModel

/// How far a tailed file has been read, committed in the same transaction as the events read from it.
///
/// A file is the same file when ``device`` and ``inode`` match and its first bytes still hash to
/// ``headHash``; otherwise it was rotated or replaced and is read from the start.
package struct TailCheckpoint: Hashable, Sendable {
    /// The configured path being followed (not the rotated name).
    package var path: String
    package var device: UInt64
    package var inode: UInt64
    /// Byte offset just past the last complete line that was read.
    package var offset: Int64
    /// 1-based number of the last line read, for error messages.
    package var lineNumber: Int64
    /// FNV-1a hash of the file's first line (up to 1 KiB); detects copytruncate followed by new writes.
    package var headHash: UInt64
    /// Processing time of the commit.
    package var updatedAt: Timestamp
    /// Set while the file's history is being imported (`start: beginning`, the lines the file held
    /// at the first start): the time of the import's first commit. A detection episode of such a
    /// step whose last call is older is historical — stored, but it opens no incident and sends no
    /// alert.
    package var historyCutoff: Timestamp?
    /// With ``historyCutoff``: the offset where the file's history ends (a checkpoint carries both
    /// only while the tail is still inside the history; later ones carry neither).
    package var historyEnd: Int64?

    package init(
        path: String, device: UInt64, inode: UInt64, offset: Int64, lineNumber: Int64, headHash: UInt64,
        updatedAt: Timestamp, historyCutoff: Timestamp? = nil, historyEnd: Int64? = nil
    ) {
        self.historyCutoff = historyCutoff
        self.historyEnd = historyEnd
        self.path = path
        self.device = device
        self.inode = inode
        self.offset = offset
        self.lineNumber = lineNumber
        self.headHash = headHash
        self.updatedAt = updatedAt
    }
}
