/// The six messages of one answered call (INVITE, 180, 200, ACK, BYE, 200) from a trunk caller
/// to extension 1010; numbers from Ofcom's drama ranges.
enum CallMessages {
    static func answered(callID: String, caller: String = "07700900123") -> [[UInt8]] {
        func message(_ startLine: String, _ cseq: String, toTag: Bool) -> [UInt8] {
            var lines = [startLine, "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-\(callID)-\(cseq.split(separator: " ").joined())"]
            lines.append("From: <sip:\(caller)@127.0.0.1>;tag=f-\(callID)")
            lines.append(toTag ? "To: <sip:1010@127.0.0.1>;tag=t-\(callID)" : "To: <sip:1010@127.0.0.1>")
            lines.append("Call-ID: \(callID)")
            lines.append("CSeq: \(cseq)")
            lines.append("Content-Length: 0")
            return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        }
        return [
            message("INVITE sip:1010@127.0.0.1 SIP/2.0", "1 INVITE", toTag: false),
            message("SIP/2.0 180 Ringing", "1 INVITE", toTag: true),
            message("SIP/2.0 200 OK", "1 INVITE", toTag: true),
            message("ACK sip:1010@127.0.0.1 SIP/2.0", "1 ACK", toTag: true),
            message("BYE sip:1010@127.0.0.1 SIP/2.0", "2 BYE", toTag: true),
            message("SIP/2.0 200 OK", "2 BYE", toTag: true),
        ]
    }
}
