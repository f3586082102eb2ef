import Foundation
import Glibc

/// The file system calls of an export, with their safety rules in one place:
///
/// - the bundle directory and `recordings/` are 0700 and every file 0600, whatever the umask
///   (the bundle holds every number and recording of an incident);
/// - an existing directory is used only when it is empty, a real directory (not a link), owned by
///   this user and writable by no one else: nobody else can have placed or can later swap a file;
/// - files are created with `O_EXCL | O_NOFOLLOW` (never overwritten, never through a link);
/// - a recording is opened with `O_NOFOLLOW` and copied byte by byte only when it is a regular
///   file: one swapped for a symbolic link, a FIFO or a device is not followed.
///
/// Deliberately not handled: links in the directories above the recording (the recording
/// directories are configured by the administrator) and ACLs.
enum BundleFiles {
    /// Creates `path` (and missing parents) as the bundle's root, or accepts an existing one that
    /// is safe and empty.
    static func prepareRoot(_ path: String) throws(EvidenceError) {
        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw .unsafeOutput(path, "is not a directory (or is a symbolic link)")
            }
            guard status.st_uid == geteuid() else {
                throw .unsafeOutput(path, "belongs to another user (uid \(status.st_uid)); export into a new directory")
            }
            guard status.st_mode & 0o022 == 0 else {
                throw .unsafeOutput(path, "is writable by group or others; export into a new directory")
            }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            guard contents.isEmpty else { throw .outputNotEmpty(path) }
            guard chmod(path, 0o700) == 0 else { throw .unwritable(path: path, reason: Self.errorText()) }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw .unwritable(path: parent, reason: error.localizedDescription)
            }
        }
        try makeDirectory(path)
    }

    /// A new directory, 0700 whatever the umask; fails when anything exists at `path`.
    static func makeDirectory(_ path: String) throws(EvidenceError) {
        guard mkdir(path, 0o700) == 0 else { throw .unwritable(path: path, reason: errorText()) }
        guard chmod(path, 0o700) == 0 else { throw .unwritable(path: path, reason: errorText()) }
    }

    /// Writes a new file, 0600, never through a link and never over an existing file.
    static func write(_ bytes: [UInt8], to path: String) throws(EvidenceError) {
        let descriptor = try create(path)
        defer { close(descriptor) }
        try writeAll(bytes[...], to: descriptor, path: path)
    }

    /// The result of copying one recording.
    enum Copy {
        case copied(size: Int64, sha256: String)
        case missing
        /// Not a regular file any more (a symbolic link, FIFO, device, directory): not copied.
        case notRegular
    }

    /// Copies the regular file at `source` to the new file `target` (0600), hashing the bytes as
    /// they are written; the source is opened without following a link.
    static func copyRecording(from source: String, to target: String) throws(EvidenceError) -> Copy {
        let input = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        if input < 0 {
            switch errno {
            case ENOENT, ENOTDIR: return .missing
            case ELOOP: return .notRegular
            default: throw .unreadable(path: source, reason: errorText())
            }
        }
        defer { close(input) }
        var status = stat()
        guard fstat(input, &status) == 0 else { throw .unreadable(path: source, reason: errorText()) }
        guard status.st_mode & S_IFMT == S_IFREG else { return .notRegular }
        let output = try create(target)
        defer { close(output) }
        var hasher = FileHasher.Streaming()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: source, reason: errorText())
            }
            if count == 0 { break }
            hasher.update(buffer[0..<count])
            try writeAll(buffer[0..<count], to: output, path: target)
        }
        return .copied(size: hasher.size, sha256: hasher.finalize())
    }

    private static func create(_ path: String) throws(EvidenceError) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .unwritable(path: path, reason: errorText()) }
        guard fchmod(descriptor, 0o600) == 0 else {
            close(descriptor)
            throw .unwritable(path: path, reason: errorText())
        }
        return descriptor
    }

    private static func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32, path: String) throws(EvidenceError) {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .unwritable(path: path, reason: errorText())
            }
            offset += written
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
