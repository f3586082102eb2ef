extension Array where Element == UInt8 {
    /// Appends `value` big-endian.
    package mutating func append16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xff))
    }

    package mutating func append32(_ value: UInt32) {
        append16(UInt16(value >> 16))
        append16(UInt16(value & 0xffff))
    }
}

/// Addresses written as text in tests.
package enum TestAddress {
    /// `192.0.2.1` → 4 bytes.
    package static func v4(_ text: String) -> [UInt8] {
        text.split(separator: ".").map { UInt8($0) ?? 0 }
    }

    /// `2001:db8::1` → 16 bytes (`::` expanded).
    package static func v6(_ text: String) -> [UInt8] {
        let halves = text.components(separatedByDoubleColon: ())
        func groups(_ part: Substring) -> [UInt16] {
            part.isEmpty ? [] : part.split(separator: ":").map { UInt16($0, radix: 16) ?? 0 }
        }
        let head = groups(halves.0)
        let tail = halves.1.map(groups) ?? []
        let all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        var bytes: [UInt8] = []
        for group in all { bytes.append16(group) }
        return bytes
    }

    /// Either family, by the presence of a colon.
    package static func bytes(_ text: String) -> [UInt8] {
        text.contains(":") ? v6(text) : v4(text)
    }
}

extension String {
    fileprivate func components(separatedByDoubleColon: Void) -> (Substring, Substring?) {
        let characters = Array(self)
        for index in 0..<(characters.count > 0 ? characters.count - 1 : 0) where characters[index] == ":" && characters[index + 1] == ":" {
            let split = self.index(startIndex, offsetBy: index)
            return (self[..<split], self[self.index(split, offsetBy: 2)...])
        }
        return (self[...], nil)
    }
}
