import Foundation
import Glibc

/// The store holds every caller's number: its file, `-wal` and `-shm` are 0600 whatever the
/// process umask. The database file is created 0600 before SQLite opens it (SQLite gives the `-wal`
/// and `-shm` files it creates the database file's permissions); files of this user found with
/// group or other bits (an older version's 0644) are narrowed to 0600.
///
/// Deliberately not handled: files owned by another user (left as they are: changing them is
/// that user's decision) and the directory's own permissions (systemd's `StateDirectory=` sets them).
enum StoreFileModes {
    static func prepare(_ path: String) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if descriptor >= 0 { close(descriptor) }
        for file in [path, path + "-wal", path + "-shm"] {
            var status = stat()
            guard lstat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_uid == geteuid(),
                status.st_mode & 0o077 != 0
            else { continue }
            _ = chmod(file, 0o600)
        }
    }
}
