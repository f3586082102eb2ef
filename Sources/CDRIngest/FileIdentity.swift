#if canImport(Glibc)
import Glibc
#endif

/// Device and inode of a file: what stays the same when a file is renamed and changes when a new
/// file is created at the same path.
package struct FileIdentity: Hashable, Sendable {
    package var device: UInt64
    package var inode: UInt64

    package init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// The identity and size of the file at `path`, or nil when it does not exist or cannot be read.
    static func of(path: String) -> (FileIdentity, Int64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)), Int64(info.st_size))
    }

    /// The identity and size of an open descriptor.
    static func of(descriptor: Int32) -> (FileIdentity, Int64)? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return (FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)), Int64(info.st_size))
    }
}

/// FNV-1a over bytes; used for file head fingerprints.
package func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    return hash
}
