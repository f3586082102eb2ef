import CallModel
import SIPParsing

/// Synthetic SIP messages. Numbers are from Ofcom's drama ranges (+44 20 7946 0xxx,
/// +44 7700 900xxx), addresses from the documentation ranges (192.0.2.0/24, 2001:db8::/32).
enum SIPFixture {
    static let plan = NumberPlan.unitedKingdom

    /// Joins lines with CRLF and ends the headers with a blank line (plus `body`).
    static func message(_ lines: [String], body: String = "") -> [UInt8] {
        Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }

    /// An INVITE from +44 20 7946 0123 to extension 1001 with `extra` header lines.
    static func invite(
        from: String = "\"Caller\" <sip:+442079460123@trunk.example;user=phone>;tag=f1",
        to: String = "<sip:1001@pbx.example>",
        requestURI: String = "sip:1001@pbx.example",
        callID: String = "call-1@192.0.2.10",
        extra: [String] = [],
        body: String = ""
    ) -> [UInt8] {
        message(
            [
                "INVITE \(requestURI) SIP/2.0",
                "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1",
                "Max-Forwards: 70",
                "From: \(from)",
                "To: \(to)",
                "Call-ID: \(callID)",
                "CSeq: 1 INVITE",
                "Contact: <sip:+442079460123@192.0.2.10:5060>",
            ] + extra + ["Content-Length: \(body.utf8.count)"],
            body: body)
    }

    static func parse(_ text: String) throws(SIPParseError) -> SIPMessage {
        try SIPMessage(bytes: Array(text.utf8))
    }

    /// The error parsing `bytes` throws, nil when it parses.
    static func error(_ bytes: [UInt8]) -> SIPParseError? {
        do {
            _ = try SIPMessage(bytes: bytes)
            return nil
        } catch {
            return error
        }
    }
}
