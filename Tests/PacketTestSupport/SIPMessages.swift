/// Synthetic SIP messages for tests (numbers from Ofcom's drama ranges).
package enum SIPMessages {
    /// A request with a Content-Length matching its body.
    package static func request(
        _ method: String = "INVITE", callID: String, body: String = "", compactLength: Bool = false,
        extraHeaders: [String] = []
    ) -> [UInt8] {
        let lines = [
            "\(method) sip:+442079460123@example.test SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-\(callID)",
            "From: <sip:+447700900123@example.test>;tag=a1",
            "To: <sip:+442079460123@example.test>",
            "Call-ID: \(callID)",
            "CSeq: 1 \(method)",
        ] + extraHeaders + [compactLength ? "l: \(body.utf8.count)" : "Content-Length: \(body.utf8.count)"]
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }

    package static func response(_ status: Int = 200, callID: String, body: String = "") -> [UInt8] {
        let lines = [
            "SIP/2.0 \(status) OK",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-\(callID)",
            "From: <sip:+447700900123@example.test>;tag=a1",
            "To: <sip:+442079460123@example.test>;tag=b2",
            "Call-ID: \(callID)",
            "CSeq: 1 INVITE",
            "Content-Length: \(body.utf8.count)",
        ]
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }

    /// A body of `size` bytes of SDP-like text.
    package static func body(size: Int) -> String {
        let line = "a=fmtp:101 0-15 padding padding padding\r\n"
        var text = "v=0\r\n"
        while text.utf8.count + line.utf8.count <= size { text += line }
        return text + String(repeating: "x", count: size - text.utf8.count)
    }

    /// The Call-ID header value of a message, for assertions.
    package static func callID(_ bytes: [UInt8]) -> String? {
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        for line in lines.dropFirst() {
            let text = String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            if text.isEmpty { return nil }
            for prefix in ["Call-ID:", "i:"] where text.lowercased().hasPrefix(prefix.lowercased()) {
                return String(text.dropFirst(prefix.count).drop { $0 == " " })
            }
        }
        return nil
    }
}
