package import CallModel
import Foundation

/// Where every secret of the configuration comes from: never the YAML itself, always a file that
/// only the daemon's user may read, named by a `*_file` key (`secret_file`, `password_file`,
/// `auth_key_file`, `token_file`):
///
/// - `secret_file: /etc/callwarden/ami.secret`: a path (relative to the configuration file);
/// - `secret_file: credential:ami`: a systemd credential (`LoadCredential=ami:/path` in the unit),
///   read from `$CREDENTIALS_DIRECTORY/ami`.
///
/// A file readable or writable by group or others is refused, naming the key and the path. The
/// file's first non-empty line that does not start with `#` is the secret (``lines`` gives all of
/// them, for token lists). Errors name the key and the path, never the content; the secret is
/// held as a ``Secret``, which never prints itself.
///
/// Deliberately not handled: checking the file's owner (a root-owned 0600 file the daemon cannot
/// read fails as unreadable), and re-reading a changed file while the daemon runs.
enum SecretFiles {
    /// The secret in the file `key` names; nil (and no error) when the key is absent.
    static func secret(_ node: ConfigNode, _ key: String, resolve: (String) -> String) -> Secret? {
        guard let lines = lines(node, key, resolve: resolve) else { return nil }
        guard let first = lines.first else {
            node.fail(key, "the file holds no secret (write it on the first line)")
            return nil
        }
        return Secret(first)
    }

    /// The usable lines of the file `key` names; nil when the key is absent or the file is refused.
    static func lines(_ node: ConfigNode, _ key: String, resolve: (String) -> String) -> [String]? {
        guard let value = node.string(key) else { return nil }
        guard let path = location(value, node: node, key: key, resolve: resolve) else { return nil }
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: (path as NSString).resolvingSymlinksInPath)
        } catch {
            node.fail(key, "cannot read \(path): no such file, or not accessible")
            return nil
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            node.fail(key, "\(path) is not a regular file")
            return nil
        }
        let mode = integer(attributes[.posixPermissions]) ?? 0o777
        guard mode & 0o077 == 0 else {
            node.fail(
                key, "\(path) is readable or writable by group or others (mode 0\(String(mode, radix: 8))); "
                    + "a secret file must be readable by the daemon's user only: chmod 600 \(path)")
            return nil
        }
        let size = integer(attributes[.size]) ?? 0
        guard size <= 65_536, let data = FileManager.default.contents(atPath: path) else {
            node.fail(key, "cannot read \(path) (unreadable, or larger than 64 KiB)")
            return nil
        }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// A file attribute's number, however Foundation boxed it.
    private static func integer(_ value: Any?) -> Int? {
        switch value {
        case let number as Int: number
        case let number as UInt16: Int(number)
        case let number as UInt32: Int(number)
        case let number as UInt64: Int(truncatingIfNeeded: number)
        case let number as Int64: Int(truncatingIfNeeded: number)
        case let number as NSNumber: number.intValue
        default: nil
        }
    }

    /// An inline secret under `key` is refused, pointing to `fileKey`; the value is never echoed.
    static func refuseInline(_ node: ConfigNode, _ key: String, use fileKey: String) {
        guard node.string(key) != nil else { return }
        node.fail(
            key, "secrets are never written in the configuration: put it in a file only the daemon's user can read "
                + "(chmod 600) and name that file with \(fileKey): (or \(fileKey): credential:NAME for a systemd LoadCredential=)")
    }

    private static func location(_ value: String, node: ConfigNode, key: String, resolve: (String) -> String) -> String? {
        guard value.hasPrefix("credential:") else { return resolve(value) }
        let name = String(value.dropFirst("credential:".count))
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            node.fail(key, "\"\(value)\" is not credential:NAME with a plain credential name")
            return nil
        }
        guard let directory = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
            node.fail(key, "names the systemd credential \(name) but $CREDENTIALS_DIRECTORY is not set (add LoadCredential=\(name):/path to the unit)")
            return nil
        }
        return (directory as NSString).appendingPathComponent(name)
    }
}
