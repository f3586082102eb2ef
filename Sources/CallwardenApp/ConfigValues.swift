import Foundation
import SIPParsing

/// Value readers shared by the capture, HEP and SIP sections.
enum ConfigValues {
    /// A list of ports (1–65535); nil when absent (an error is recorded when malformed).
    static func ports(_ node: ConfigNode, _ name: String, allowEmpty: Bool = false) -> [UInt16]? {
        guard let texts = node.stringList(name) else { return nil }
        var ports: [UInt16] = []
        for (index, text) in texts.enumerated() {
            guard let port = UInt16(text), port > 0 else {
                node.fail(name, "entry \(index + 1), \"\(text)\", is not a port (1–65535)")
                return nil
            }
            ports.append(port)
        }
        if ports.isEmpty && !allowEmpty {
            node.fail(name, "name at least one port")
            return nil
        }
        return ports
    }

    /// A size in bytes: `1048576`, `512k`/`512KiB`, `32M`/`32MiB`, `1G`/`1GiB`.
    static func bytes(_ node: ConfigNode, _ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
        guard let text = node.string(name) else { return value }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let unit = text.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let multipliers: [String: Int] = ["": 1, "k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30]
        guard digits.count <= 10, let number = Int(digits), let multiplier = multipliers[unit],
            range.contains(number * multiplier)
        else {
            node.fail(name, "\"\(text)\" is not a size in \(range.lowerBound)...\(range.upperBound) bytes (write 32MiB, 512KiB or bytes)")
            return value
        }
        return number * multiplier
    }
}

/// IP literals as the configuration writes them.
enum IPLiteral {
    /// The address `text` spells (dotted quad or IPv6 text), or nil.
    static func parse(_ text: String) -> SIPAddress? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return .ipv4(UInt32(bigEndian: v4.s_addr)) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        let high = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let low = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return .ipv6(high, low)
    }
}
