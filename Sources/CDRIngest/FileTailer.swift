package import CallModel
package import CallwardenPorts

#if canImport(Glibc)
import Glibc
#endif

/// Follows one CDR file the way `tail -F` does, line by line, and knows how far it got.
///
/// - Rename rotation (logrotate's default, Asterisk's `logger rotate`): the old file is read to its
///   end, then the new file at the path is read from its start.
/// - copytruncate: the file shrinking below the read position, or its first line changing, means it
///   was truncated; reading restarts at 0. Lines written between the copy and the truncation are
///   lost to every reader; that is copytruncate's own race and why rename rotation is recommended.
/// - Restart: given the last committed ``TailCheckpoint``, reading resumes at its offset when the
///   file is still the same one (device, inode, first-line hash). When the file was rotated while
///   the daemon was down, the rotated file is found by its inode next to the path (`Master.csv.1`,
///   `Master.csv-20240115`) and its rest is read first.
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

    /// Where the tail stands now, to be committed with the events read so far.
    package func checkpoint(at time: Timestamp) -> TailCheckpoint {
        TailCheckpoint(
            path: path, device: identity?.device ?? 0, inode: identity?.inode ?? 0, offset: offset,
            lineNumber: lineNumber, headHash: headHash ?? 0, updatedAt: time)
    }

    /// Whether a file is open (false while the path does not exist yet).
    package var isOpen: Bool { descriptor >= 0 }

    /// Reads what is new and hands out up to `maximumLines` complete lines with their line numbers.
    /// - Returns: how many lines were handed out (0 when nothing new).
    @discardableResult
    package func poll(maximumLines: Int, _ body: (UnsafeRawBufferPointer, Int64) -> Void) -> Int {
        if descriptor < 0 && !openFile() { return 0 }
        if let headHash, let current = Self.headHash(of: descriptor), current != headHash {
            // Truncated and rewritten past our position since the last poll: start over.
            adopt(dup(descriptor), startOffset: 0)
        }
        var handed = 0
        while handed < maximumLines {
            handed += handOutLines(limit: maximumLines - handed, body)
            if handed >= maximumLines { break }
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
            if openResuming(checkpoint) { return true }
        }
        return openPath(at: 0)
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
        if let (current, size) = FileIdentity.of(path: path), current == wanted, size >= checkpoint.offset {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return false }
            if Self.headHash(of: fd) == checkpoint.headHash {
                adopt(fd, startOffset: checkpoint.offset)
                lineNumber = checkpoint.lineNumber
                return true
            }
            close(fd)
            return false
        }
        // The file was rotated while we were away: finish the rotated one first.
        guard let rotatedPath = findRotated(wanted) else { return false }
        let fd = open(rotatedPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        guard let (_, size) = FileIdentity.of(descriptor: fd), size >= checkpoint.offset,
            Self.headHash(of: fd) == checkpoint.headHash
        else {
            close(fd)
            return false
        }
        adopt(fd, startOffset: checkpoint.offset)
        lineNumber = checkpoint.lineNumber
        drainingRotated = true
        return true
    }

    /// A file beside the path whose name starts with the path's name and has the given identity.
    private func findRotated(_ wanted: FileIdentity) -> String? {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard let dir = opendir(directory.isEmpty ? "/" : directory) else { return nil }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != base, name.hasPrefix(base) else { continue }
            let candidate = directory + "/" + name
            if let (identity, _) = FileIdentity.of(path: candidate), identity == wanted { return candidate }
        }
        return nil
    }

    /// Called at the end of the open file. Returns true when it switched or reset and reading should go on.
    private func checkRotationOrTruncation(_ body: (UnsafeRawBufferPointer, Int64) -> Void) -> Bool {
        guard let (pathIdentity, pathSize) = FileIdentity.of(path: path) else { return false }
        if pathIdentity != identity || drainingRotated {
            // Renamed away and recreated: the old file is finished; its partial last line, if any,
            // was written by a writer that is gone, so hand it out for the decoder to judge.
            finish(body)
            drainingRotated = false
            return openPath(at: 0)
        }
        let readPosition = offset + Int64(pending.count)
        let currentHead = Self.headHash(of: descriptor)
        if pathSize < readPosition || (headHash != nil && currentHead != headHash) {
            // copytruncate (or truncate and rewrite): start over.
            adopt(dup(descriptor), startOffset: 0)
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

    private func handOutLines(limit: Int, _ body: (UnsafeRawBufferPointer, Int64) -> Void) -> Int {
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
