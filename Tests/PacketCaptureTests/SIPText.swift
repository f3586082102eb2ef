import PacketDecoding

/// Tiny test-only readers for SIP bytes: the first line and one header's value. Not a SIP parser:
/// enough to compare with tshark's fields.
enum SIPText {
    /// The start line without its line end.
    static func firstLine(_ bytes: [UInt8]) -> String {
        let end = bytes.firstIndex { $0 == 13 || $0 == 10 } ?? bytes.count
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// The method of a request, or "" for a response.
    static func method(_ bytes: [UInt8]) -> String {
        let line = firstLine(bytes)
        return line.hasPrefix("SIP/2.0") ? "" : String(line.prefix { $0 != " " })
    }

    /// The status code of a response, or "" for a request.
    static func status(_ bytes: [UInt8]) -> String {
        let line = firstLine(bytes)
        guard line.hasPrefix("SIP/2.0 ") else { return "" }
        return String(line.dropFirst(8).prefix(3))
    }

    /// The value of the first header named `name` or `compact` (case-insensitive), trimmed.
    static func header(_ bytes: [UInt8], _ name: String, compact: String? = nil) -> String? {
        // Lines end in CRLF or (in some agents' output) bare LF; the first empty line ends the headers.
        // Split bytes, not a String: Swift reads "\r\n" as one Character.
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map { line in
            Substring(String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self))
        }
        for line in lines.dropFirst().prefix(while: { !$0.isEmpty }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingCharacters(in: " \t").lowercased()
            if field == name.lowercased() || field == compact?.lowercased() {
                return line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            }
        }
        return nil
    }

    static func callID(_ bytes: [UInt8]) -> String? { header(bytes, "Call-ID", compact: "i") }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
