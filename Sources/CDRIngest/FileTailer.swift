package import CallModel
package import CallwardenPorts

#if canImport(Glibc)
import Glibc
#endif

/// Follows one CDR file the way `tail -F` does, line by line, and knows how far it got — through
/// every rotation, reading each line of the chain once.
///
/// - Rename rotation (logrotate's default, with numbers or `dateext`; Asterisk's `logger rotate`):
///   the open file is read to its end, then the next file of the chain (``RotationChain``: the
///   rotated files beside the path, by when they were written) from its start, and so on up to the
///   path itself — however many rotations happened since (between two polls, while lagging, while
///   stopped).
/// - copytruncate: the file shrinking below the read position, or its first line changing, means it
///   was copied and truncated. The copy is found beside the path by its first line and size, and
///   read from where the tail stood; then the truncated file from its start. Lines written between
///   the copy and the truncation exist in neither file: they are lost to every reader (logrotate's
///   own race, and why rename rotation is recommended).
/// - Restart: given the last committed ``TailCheckpoint``, reading resumes at its offset in the
///   file with its identity (device, inode, first-line hash) — at the path, renamed beside it, or
///   as the copy a copytruncate left — and goes on through the chain from there.
///
/// Deliberately not handled: compressed rotated files (use `delaycompress`), `olddir`, a writer
/// that keeps appending to a renamed file after the new file was written to (the chain's order is
/// by modification time), and a checkpointed file deleted before it was read to its end (reading
/// then restarts at the path).
///
/// Only complete lines (ending in `\n`) are handed out while following; a partial last line waits
/// for its newline (``finish(_:)`` hands it out at the end of a one-shot read). Lines longer than
/// ``maximumLineLength`` are handed out truncated so the decoder rejects and counts them; the tail
/// never stops on a bad line. Not `Sendable`: one task owns a tailer.
package final class FileTailer {
    package let path: String
    package let maximumLineLength: Int
    private var descriptor: Int32 = -1
    private var identity: FileIdentity?
    /// Fingerprint of the first line; nil until the file has a complete first line.
    private var headHash: UInt64?
    /// Offset just past the last line handed out.
    private(set) package var offset: Int64 = 0
    private(set) package var lineNumber: Int64 = 0
    private var pending: [UInt8] = []
    private var readBuffer: [UInt8]
    private var resumeFrom: TailCheckpoint?
    /// Set when the rest of a rotated file is being read; the path itself is opened afterwards.
    private var drainingRotated = false
    /// Set after an overlong line was handed out truncated: its rest is skipped up to its newline.
    private var skippingOverlongLine = false
    /// Set by ``startAtEnd()``: the first open without a checkpoint skips what the file holds.
    private var skipExistingContent = false
    /// Set when the position moved without a line being handed out (``startAtEnd()``): the
    /// checkpoint should be committed even though nothing was read.
    private(set) package var positionMovedWithoutLines = false

    package init(path: String, resumingFrom checkpoint: TailCheckpoint? = nil, maximumLineLength: Int = 65_536, readSize: Int = 1 << 20) {
        self.path = path
        self.maximumLineLength = maximumLineLength
        self.resumeFrom = checkpoint
        self.readBuffer = [UInt8](repeating: 0, count: readSize)
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Resumes from `checkpoint` (nil: from the start) instead of the one given at init; only
    /// before the first read.
    package func resume(from checkpoint: TailCheckpoint?) {
        guard descriptor < 0, lineNumber == 0 else { return }
        resumeFrom = checkpoint
    }

    /// The file the tail left for the one it reads now, at its end: what a checkpoint names until
    /// a line of the new file has been handed out. A restart then finds the old file (renamed, or
    /// the copy a copytruncate left) and goes on through the chain from it, even when the new file
    /// — empty when it was opened, so without a first line to know it by — is rotated meanwhile.
    private var left: (identity: FileIdentity, offset: Int64, lineNumber: Int64, headHash: UInt64)?

    /// Set by ``importHistory()`` until the first open: what the file holds then is its history.
    private var importingHistory = false
    /// The history region: the file it is in and the offset just past its last complete line;
    /// nil once the tail has read past it (or there was none).
    private var history: (identity: FileIdentity, end: Int64)?
    /// The time of the first checkpoint within the history region (``TailCheckpoint/historyCutoff``).
    private(set) package var historyCutoff: Timestamp?

    /// A first start that imports the file's history (`start: beginning`): the lines the file holds
    /// at the first open are handed out in steps that end exactly where the history ends, and each
    /// checkpoint within it carries ``TailCheckpoint/historyCutoff`` (and the history's end, so a
    /// restart during the import goes on marking it); the store marks the episodes of those steps
    /// that ended before the cutoff historical. A file that does not exist yet has no history.
    /// Only before the first read.
    package func importHistory() {
        guard descriptor < 0, lineNumber == 0, resumeFrom == nil else { return }
        importingHistory = true
    }

    /// Where the current poll must stop: the end of the history while reading inside it.
    private var historyBoundary: Int64? {
        guard let history, history.identity == identity, offset < history.end else { return nil }
        return history.end
    }

    /// A first start that reads only what is written from now on: when the file exists at the
    /// first open (and there is no checkpoint), reading begins after its last complete line (its
    /// lines are counted, so line numbers stay those of the file). A file that appears later was
    /// written after the start and is read from its beginning. Only before the first read.
    package func startAtEnd() {
        guard descriptor < 0, lineNumber == 0, resumeFrom == nil else { return }
        skipExistingContent = true
    }

    /// Where the tail stands now, to be committed with the events read so far.
    package func checkpoint(at time: Timestamp) -> TailCheckpoint {
        positionMovedWithoutLines = false
        var cutoff: Timestamp?
        var historyEnd: Int64?
        if let history, history.identity == identity, offset <= history.end {
            if historyCutoff == nil { historyCutoff = time }
            cutoff = historyCutoff
            historyEnd = history.end
        } else {
            history = nil
            historyCutoff = nil
        }
        if offset > 0 { left = nil }
        if let left {
            return TailCheckpoint(
                path: path, device: left.identity.device, inode: left.identity.inode, offset: left.offset,
                lineNumber: left.lineNumber, headHash: left.headHash, updatedAt: time)
        }
        return TailCheckpoint(
            path: path, device: identity?.device ?? 0, inode: identity?.inode ?? 0, offset: offset,
            lineNumber: lineNumber, headHash: headHash ?? 0, updatedAt: time, historyCutoff: cutoff,
            historyEnd: historyEnd)
    }

    /// Whether a file is open (false while the path does not exist yet).
    package var isOpen: Bool { descriptor >= 0 }

    /// Reads what is new and hands out up to `maximumLines` complete lines with their line numbers.
    /// - Returns: how many lines were handed out (0 when nothing new).
    @discardableResult
    package func poll(maximumLines: Int, _ body: (UnsafeRawBufferPointer, Int64) -> Void) -> Int {
        if descriptor < 0 && !openFile() { return 0 }
        if let headHash, let current = Self.headHash(of: descriptor), current != headHash {
            // Truncated and rewritten past our position since the last poll.
            recoverFromTruncation()
        }
        var handed = 0
        // A history import's steps end where the history ends (see ``importHistory()``).
        let boundary = historyBoundary
        while handed < maximumLines {
            handed += handOutLines(limit: maximumLines - handed, stoppingAt: boundary, body)
            if handed >= maximumLines { break }
            if let boundary, offset >= boundary { break }
            let got = readMore()
            if got > 0 { continue }
            // At the end of what is there: rotated or truncated?
            if checkRotationOrTruncation(body) { continue }
            break
        }
        return handed
    }

    /// Hands out a final line that has no newline (end of a one-shot read, e.g. `replay`).
    package func finish(_ body: (UnsafeRawBufferPointer, Int64) -> Void) {
        guard !pending.isEmpty else { return }
        lineNumber += 1
        offset += Int64(pending.count)
        pending.withUnsafeBytes { body($0, lineNumber) }
        pending.removeAll(keepingCapacity: true)
    }

    // MARK: - Opening and rotation

    private func openFile() -> Bool {
        if let checkpoint = resumeFrom {
            resumeFrom = nil
            if openResuming(checkpoint) {
                // An import interrupted: its region goes on being marked.
                if let cutoff = checkpoint.historyCutoff, let end = checkpoint.historyEnd, let identity {
                    history = (identity, end)
                    historyCutoff = cutoff
                }
                return true
            }
        }
        if importingHistory {
            importingHistory = false
            guard openPath(at: 0) else { return false }
            if let identity, let end = lastLineEnd() { history = (identity, end) }
            return true
        }
        if skipExistingContent {
            skipExistingContent = false
            return openPathAtEnd()
        }
        return openPath(at: 0)
    }

    /// The offset just past the open file's last complete line (nil: none), from its last 64 KiB.
    private func lastLineEnd() -> Int64? {
        guard let (_, size) = FileIdentity.of(descriptor: descriptor), size > 0 else { return nil }
        var position = size
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while position > 0 {
            let start = max(0, position - Int64(chunk.count))
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, Int(position - start), off_t(start)) }
            guard count > 0 else { return nil }
            if let newline = chunk[0..<count].lastIndex(of: UInt8(ascii: "\n")) { return start + Int64(newline) + 1 }
            position = start
        }
        return nil
    }

    /// Opens the path after its last complete line, counting the lines skipped.
    private func openPathAtEnd() -> Bool {
        guard openPath(at: 0) else { return false }
        var position: Int64 = 0
        var lines: Int64 = 0
        var lastLineEnd: Int64 = 0
        while true {
            let count = readBuffer.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress, buffer.count, off_t(position))
            }
            guard count > 0 else { break }
            readBuffer.withUnsafeBytes { raw in
                for (index, byte) in raw.prefix(count).enumerated() where byte == UInt8(ascii: "\n") {
                    lines += 1
                    lastLineEnd = position + Int64(index) + 1
                }
            }
            position += Int64(count)
        }
        offset = lastLineEnd
        lineNumber = lines
        positionMovedWithoutLines = lastLineEnd > 0
        return true
    }

    private func openPath(at startOffset: Int64) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        adopt(fd, startOffset: startOffset)
        return true
    }

    private func adopt(_ fd: Int32, startOffset: Int64) {
        if descriptor >= 0 { close(descriptor) }
        descriptor = fd
        identity = FileIdentity.of(descriptor: fd)?.0
        headHash = Self.headHash(of: fd)
        offset = startOffset
        if startOffset == 0 { lineNumber = 0 }
        pending.removeAll(keepingCapacity: true)
        skippingOverlongLine = false
    }

    private func openResuming(_ checkpoint: TailCheckpoint) -> Bool {
        let wanted = FileIdentity(device: checkpoint.device, inode: checkpoint.inode)
        if let (current, size) = FileIdentity.of(path: path), current == wanted, size >= checkpoint.offset,
            openCheckpointed(checkpoint, at: path, draining: false)
        {
            return true
        }
        let chain = RotationChain(path: path)
        // Rotated while we were away: finish the rotated file first, then the rest of the chain.
        if let member = chain.member(wanted), member.path != path, member.size >= checkpoint.offset,
            openCheckpointed(checkpoint, at: member.path, draining: true)
        {
            return true
        }
        // Copied and truncated while we were away: the copy holds what we had not read.
        if checkpoint.offset > 0, let copy = chain.copy(
            headHash: checkpoint.headHash, offset: checkpoint.offset, excluding: nil, headHashOf: Self.headHash(path:)),
            openCheckpointed(checkpoint, at: copy.path, draining: copy.path != path)
        {
            return true
        }
        return false
    }

    /// Opens `file` at the checkpoint's offset when its first line is the checkpoint's. A checkpoint
    /// at offset 0 (the tail had just moved to a new, still empty file of the chain: no first line
    /// to hash yet) is taken by identity alone: nothing of that file was read.
    private func openCheckpointed(_ checkpoint: TailCheckpoint, at file: String, draining: Bool) -> Bool {
        let fd = Glibc.open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        guard checkpoint.offset == 0 || Self.headHash(of: fd) == checkpoint.headHash else {
            close(fd)
            return false
        }
        adopt(fd, startOffset: checkpoint.offset)
        lineNumber = checkpoint.lineNumber
        drainingRotated = draining
        return true
    }

    /// The open file is read to its end and is no longer the path's: go on with the next file of
    /// the chain (the path itself when nothing rotated lies between).
    private func openSuccessor() -> Bool {
        rememberLeftFile()
        let chain = RotationChain(path: path)
        guard let identity, let next = chain.successor(of: identity, descriptor: descriptor), next.path != path else {
            drainingRotated = false
            return openPath(at: 0)
        }
        let fd = Glibc.open(next.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            drainingRotated = false
            return openPath(at: 0)
        }
        adopt(fd, startOffset: 0)
        drainingRotated = true
        return true
    }

    private func rememberLeftFile() {
        guard let identity, let headHash, offset > 0 else { return }
        left = (identity, offset, lineNumber, headHash)
    }

    /// The path's file was truncated under us (copytruncate): read the rest of the copy, if one is
    /// there, from where we stood; otherwise start the file over.
    private func recoverFromTruncation() {
        rememberLeftFile()
        if let headHash, let identity,
            let copy = RotationChain(path: path).copy(
                headHash: headHash, offset: offset, excluding: identity, headHashOf: Self.headHash(path:))
        {
            let fd = Glibc.open(copy.path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                let line = lineNumber
                adopt(fd, startOffset: offset)
                lineNumber = line
                drainingRotated = true
                return
            }
        }
        adopt(dup(descriptor), startOffset: 0)
    }

    /// Called at the end of the open file. Returns true when it switched or reset and reading should go on.
    private func checkRotationOrTruncation(_ body: (UnsafeRawBufferPointer, Int64) -> Void) -> Bool {
        guard let (pathIdentity, pathSize) = FileIdentity.of(path: path) else { return false }
        if pathIdentity != identity || drainingRotated {
            // Renamed away (or a rotated file drained): the old file is finished; its partial last
            // line, if any, was written by a writer that is gone, so hand it out for the decoder to
            // judge. Then the next file of the chain.
            finish(body)
            return openSuccessor()
        }
        let readPosition = offset + Int64(pending.count)
        let currentHead = Self.headHash(of: descriptor)
        if pathSize < readPosition || (headHash != nil && currentHead != headHash) {
            // copytruncate (or truncate and rewrite).
            recoverFromTruncation()
            return true
        }
        return false
    }

    // MARK: - Reading and framing

    private func readMore() -> Int {
        let position = offset + Int64(pending.count)
        let count = readBuffer.withUnsafeMutableBytes { buffer in
            pread(descriptor, buffer.baseAddress, buffer.count, off_t(position))
        }
        guard count > 0 else { return 0 }
        pending.append(contentsOf: readBuffer[0..<count])
        if headHash == nil { headHash = Self.headHash(of: descriptor) }
        return count
    }

    private func handOutLines(limit: Int, stoppingAt boundary: Int64? = nil, _ body: (UnsafeRawBufferPointer, Int64) -> Void) -> Int {
        guard !pending.isEmpty, limit > 0 else { return 0 }
        var handed = 0
        var consumed = 0
        pending.withUnsafeBytes { bytes in
            var start = 0
            if skippingOverlongLine {
                if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                    start = newline + 1
                    skippingOverlongLine = false
                } else {
                    start = bytes.count
                }
            }
            while handed < limit, start < bytes.count {
                if let boundary, offset + Int64(start) >= boundary { break }
                let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
                guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                    if rest.count > maximumLineLength {
                        // A line with no end in sight: hand out what we have so it is rejected.
                        lineNumber += 1
                        body(UnsafeRawBufferPointer(rebasing: rest.prefix(maximumLineLength + 1)), lineNumber)
                        handed += 1
                        start = bytes.count
                        skippingOverlongLine = true
                    }
                    break
                }
                lineNumber += 1
                let length = min(newline, maximumLineLength + 1)
                body(UnsafeRawBufferPointer(rebasing: rest.prefix(length)), lineNumber)
                handed += 1
                start += newline + 1
            }
            consumed = start
        }
        if consumed > 0 {
            offset += Int64(consumed)
            pending.removeFirst(consumed)
        }
        return handed
    }

    private static func headHash(path: String) -> UInt64? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return headHash(of: fd)
    }

    /// Hash of the first line (at most 1 KiB); nil when the file has no complete first line yet.
    private static func headHash(of fd: Int32) -> UInt64? {
        var head = [UInt8](repeating: 0, count: 1_024)
        let count = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return head.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw.prefix(count))
            let end = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? (count == 1_024 ? count : -1)
            guard end >= 0 else { return nil }
            return fnv1a(UnsafeRawBufferPointer(rebasing: bytes.prefix(end)))
        }
    }
}
