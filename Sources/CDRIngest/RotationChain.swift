#if canImport(Glibc)
import Glibc
#endif

/// The files of one rotation chain: the followed path and the rotated files beside it whose names
/// start with the path's name (`Master.csv.1`, `Master.csv.2`, `Master.csv-20260107`), in the
/// order they were written.
///
/// Order: by modification time — a file is only written between its creation and its rotation, so
/// an older file of the chain was last written before a newer one — then, for files modified within
/// the same clock tick, by name: the path itself is newest, `.1` is newer than `.2`, and other
/// suffixes (logrotate's `dateext`) compare as text.
///
/// Deliberately not handled: compressed files (`.gz`, `.xz`, `.bz2`, `.zst`, `.zip`) are skipped —
/// use `delaycompress`, so the newest rotated file stays plain until the next rotation; files
/// rotated into another directory (`olddir`).
struct RotationChain {
    struct Member {
        var path: String
        var identity: FileIdentity
        var size: Int64
        var order: Order
    }

    struct Order: Comparable {
        var modifiedNanoseconds: Int64
        /// 0: a suffix that is not a number (a date); 1: `.N` (rank `-N`); 2: the path itself.
        var tier: Int
        var number: Int
        var suffix: String

        static func < (lhs: Order, rhs: Order) -> Bool {
            (lhs.modifiedNanoseconds, lhs.tier, lhs.number, lhs.suffix) < (rhs.modifiedNanoseconds, rhs.tier, rhs.number, rhs.suffix)
        }
    }

    let path: String
    /// Every member present now, oldest first.
    let members: [Member]

    /// Lists the chain of `path` as it is on disk now.
    init(path: String) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var found: [Member] = []
        if let dir = opendir(directory.isEmpty ? "/" : directory) {
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name.hasPrefix(base) else { continue }
                let suffix = String(name.dropFirst(base.count))
                if Self.compressedSuffixes.contains(where: { suffix.hasSuffix($0) }) { continue }
                let candidate = (directory.isEmpty ? "" : directory) + "/" + name
                var info = stat()
                guard stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
                let order: Order
                if suffix.isEmpty {
                    order = Order(modifiedNanoseconds: modified, tier: 2, number: 0, suffix: "")
                } else if suffix.first == ".", let number = Int(suffix.dropFirst()) {
                    order = Order(modifiedNanoseconds: modified, tier: 1, number: -number, suffix: "")
                } else {
                    order = Order(modifiedNanoseconds: modified, tier: 0, number: 0, suffix: suffix)
                }
                found.append(Member(
                    path: candidate, identity: FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)),
                    size: Int64(info.st_size), order: order))
            }
        }
        members = found.sorted { $0.order < $1.order }
    }

    static let compressedSuffixes = [".gz", ".xz", ".bz2", ".zst", ".zip", ".lz4", ".Z"]

    /// The member with this identity.
    func member(_ identity: FileIdentity) -> Member? { members.first { $0.identity == identity } }

    /// The next file to read after the file `identity` (open as `descriptor`) is read to its end:
    /// the oldest member written after it. Nil when there is none (the file is the path itself, or
    /// the newer files are not there yet).
    func successor(of identity: FileIdentity, descriptor: Int32) -> Member? {
        let order: Order
        if let current = member(identity) {
            order = current.order
        } else {
            // Gone from the directory (deleted after it was opened): only its time is known; a
            // member modified in the same tick counts as newer.
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { return members.last }
            let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            order = Order(modifiedNanoseconds: modified, tier: -1, number: 0, suffix: "")
        }
        return members.first { $0.identity != identity && $0.order > order }
    }

    /// After a copytruncate: the copy of a file whose first line hashed to `headHash` and which had
    /// been read up to `offset` — the newest member, other than `excluding`, with that first line
    /// and at least that size.
    func copy(headHash: UInt64, offset: Int64, excluding: FileIdentity?, headHashOf: (String) -> UInt64?) -> Member? {
        members.reversed().first { member in
            member.identity != excluding && member.size >= offset && headHashOf(member.path) == headHash
        }
    }
}
