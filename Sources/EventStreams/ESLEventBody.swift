/// The headers of a `text/event-plain` body: `Key: Value` lines whose values are URL-encoded
/// (`%XX`, and `+` left as it is, as FreeSWITCH's `switch_url_encode` never writes it for space).
enum ESLEventBody {
    static func parse(_ body: String) -> HeaderBlock {
        var block = HeaderBlock()
        for line in body.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = line
            if line.last == "\r" { line = line.dropLast() }
            if line.isEmpty { break }
            guard let field = HeaderBlock.split(line) else { continue }
            block.append(key: field.key, value: percentDecoded(field.value))
        }
        return block
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is. Invalid UTF-8
    /// after decoding is replaced, never trapped on.
    static func percentDecoded(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "%"), index + 2 < source.count,
               let high = hexValue(source[index + 1]), let low = hexValue(source[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
