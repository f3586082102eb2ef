import PacketDecoding
import PacketTestSupport

/// One synthetic call as Ethernet frames (numbers from Ofcom's drama ranges): what a capture of a
/// trunk at 192.0.2.10 calling extension 1010 behind a PBX at 192.0.2.20 would hold.
enum CallFrames {
    static let caller = "07700900123"

    static func message(_ startLine: String, callID: String, cseq: String, toTag: Bool, from: String = caller, extra: [String] = []) -> [UInt8] {
        let branch = String(cseq.map { $0 == " " ? "-" : $0 })
        let to: String = toTag ? "To: <sip:1010@192.0.2.20>;tag=t-\(callID)" : "To: <sip:1010@192.0.2.20>"
        var lines: [String] = [startLine, "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-\(callID)-\(branch)"]
        lines.append("From: <sip:\(from)@192.0.2.10>;tag=f-\(callID)")
        lines.append(to)
        lines.append("Call-ID: \(callID)")
        lines.append("CSeq: \(cseq)")
        lines += extra
        lines.append("Content-Length: 0")
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// A UDP datagram in an Ethernet frame, caller → PBX or back.
    static func frame(_ payload: [UInt8], fromCaller: Bool) -> [UInt8] {
        let (source, destination) = fromCaller ? ("192.0.2.10", "192.0.2.20") : ("192.0.2.20", "192.0.2.10")
        return FrameBuilder.ethernet(FrameBuilder.ipv4(source: source, destination: destination, FrameBuilder.udp(5060, 5060, payload)))
    }

    /// INVITE, 180, 200, ACK, BYE, 200 of one answered call.
    static func answeredCall(_ callID: String, from: String = caller, extra: [String] = []) -> [(bytes: [UInt8], fromCaller: Bool)] {
        [
            (message("INVITE sip:1010@192.0.2.20 SIP/2.0", callID: callID, cseq: "1 INVITE", toTag: false, from: from, extra: extra), true),
            (message("SIP/2.0 180 Ringing", callID: callID, cseq: "1 INVITE", toTag: true, from: from), false),
            (message("SIP/2.0 200 OK", callID: callID, cseq: "1 INVITE", toTag: true, from: from), false),
            (message("ACK sip:1010@192.0.2.20 SIP/2.0", callID: callID, cseq: "1 ACK", toTag: true, from: from), true),
            (message("BYE sip:1010@192.0.2.20 SIP/2.0", callID: callID, cseq: "2 BYE", toTag: true, from: from), true),
            (message("SIP/2.0 200 OK", callID: callID, cseq: "2 BYE", toTag: true, from: from), false),
        ]
    }
}
