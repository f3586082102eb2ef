package import Foundation

/// An exported bundle as one POSIX tar (ustar) archive in memory, for a download: every regular
/// file under the bundle's directory, sorted, under `<top>/`, mode 0600, owner 0, the given time.
/// A path longer than ustar holds gets a pax `path` record first (GNU tar, bsdtar and Python's
/// tarfile read it).
///
/// Deliberately not handled: compression (recordings are already compressed audio), links and
/// special files (an export writes none), archives over ``maximumBytes`` (the host's
/// `callwarden incidents export` has no such limit).
package enum BundleArchive {
    /// The most bytes an archive may hold (they are built in memory).
    package static let maximumBytes = 512 << 20

    package static func tar(directory: String, top: String, modified: Date) throws(EvidenceError) -> [UInt8] {
        let root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw EvidenceError.unreadable(path: directory, reason: "cannot list the bundle")
        }
        var paths: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(root.path + "/") else { continue }
            paths.append(String(full.dropFirst(root.path.count + 1)))
        }
        var archive: [UInt8] = []
        let time = max(0, Int(modified.timeIntervalSince1970))
        for path in paths.sorted() {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
                throw EvidenceError.unreadable(path: path, reason: "cannot read the exported file")
            }
            let name = top + "/" + path
            if name.utf8.count > 100 {
                let record = paxRecord("path", name)
                archive += header(name: "PaxHeaders/" + String(path.utf8.count), size: record.count, type: "x", time: time)
                archive += padded(record)
            }
            archive += header(name: String(decoding: name.utf8.prefix(100), as: UTF8.self), size: data.count, type: "0", time: time)
            archive += padded(Array(data))
            guard archive.count <= maximumBytes else {
                throw EvidenceError.unwritable(path: top, reason: "the bundle is larger than \(maximumBytes >> 20) MiB; export it on the host")
            }
        }
        return archive + [UInt8](repeating: 0, count: 1024)
    }

    /// `"<length> <key>=<value>\n"`, the length counting itself.
    private static func paxRecord(_ key: String, _ value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).utf8.count + body.utf8.count != length { length += 1 }
        return Array((String(length) + body).utf8)
    }

    private static func header(name: String, size: Int, type: Character, time: Int) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        }
        put(name, at: 0, width: 100)
        put(octal(0o600, width: 8), at: 100, width: 8)
        put(octal(0, width: 8), at: 108, width: 8)
        put(octal(0, width: 8), at: 116, width: 8)
        put(octal(size, width: 12), at: 124, width: 12)
        put(octal(time, width: 12), at: 136, width: 12)
        put("        ", at: 148, width: 8)
        put(String(type), at: 156, width: 1)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7), at: 148, width: 7)
        block[155] = UInt8(ascii: " ")
        return block
    }

    private static func padded(_ bytes: [UInt8]) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (512 - bytes.count % 512) % 512)
    }
}
