import Crypto
import Foundation

/// SHA-256 of a file, read in 1 MiB chunks (a recording can be large; it is never read whole).
package enum FileHasher {
    /// The size and lower-case hex SHA-256 of the file at `path`.
    /// - Throws: ``EvidenceError/unreadable(path:reason:)`` when it cannot be opened or read.
    package static func hash(path: String) throws(EvidenceError) -> (size: Int64, sha256: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(path: path, reason: "cannot be opened")
        }
        defer { try? handle.close() }
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

    /// SHA-256 of bytes in memory, lower-case hex.
    package static func hash(bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
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
    case invalidPattern(String)

    package var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .unwritable(let path, let reason): "\(path): \(reason)"
        case .outputNotEmpty(let path): "\(path) exists and is not empty (an export never overwrites)"
        case .invalidPattern(let reason): reason
        }
    }
}
