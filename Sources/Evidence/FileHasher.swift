import Crypto
import Foundation
import Glibc

/// SHA-256 of a file, read in 1 MiB chunks (a recording can be large; it is never read whole).
package enum FileHasher {
    /// The size and lower-case hex SHA-256 of the regular file at `path`, opened without
    /// following a symbolic link.
    /// - Throws: ``EvidenceError/unreadable(path:reason:)`` when it cannot be opened or read, or
    ///   is a link or not a regular file.
    package static func hash(path: String) throws(EvidenceError) -> (size: Int64, sha256: String) {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw .unreadable(path: path, reason: errno == ELOOP ? "is a symbolic link" : "cannot be opened")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        defer { try? handle.close() }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw .unreadable(path: path, reason: "is not a regular file")
        }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                size += Int64(chunk.count)
            }
        } catch {
            throw .unreadable(path: path, reason: "read failed: \(error.localizedDescription)")
        }
        return (size, hex(hasher.finalize()))
    }

    /// A SHA-256 fed piece by piece (a copy hashes what it writes).
    struct Streaming {
        private var hasher = SHA256()
        private(set) var size: Int64 = 0

        mutating func update(_ bytes: ArraySlice<UInt8>) {
            bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            size += Int64(bytes.count)
        }

        func finalize() -> String { FileHasher.hex(hasher.finalize()) }
    }

    /// SHA-256 of bytes in memory, lower-case hex.
    package static func hash(bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// SHA-256 of bytes in memory, base64 (a Content-Security-Policy hash source).
    package static func base64SHA256(_ bytes: [UInt8]) -> String {
        Data(SHA256.hash(data: bytes)).base64EncodedString()
    }

    fileprivate static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}

/// What went wrong with evidence files.
package enum EvidenceError: Error, Hashable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    /// The export directory exists and is not empty: an export never overwrites.
    case outputNotEmpty(String)
    /// The export directory exists but is not safe to write evidence into (another owner,
    /// writable by others, a link).
    case unsafeOutput(String, String)
    case invalidPattern(String)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .unwritable(let path, let reason): "\(path): \(reason)"
        case .outputNotEmpty(let path): "\(path) exists and is not empty (an export never overwrites)"
        case .unsafeOutput(let path, let reason): "\(path) \(reason)"
        case .invalidPattern(let reason): reason
        }
    }
}
