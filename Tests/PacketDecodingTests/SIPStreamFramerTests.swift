import PacketDecoding
import PacketTestSupport
import SIPParsing
import Testing

/// SIPParsing's stream framer and start-line sniffer as the packet decoder uses them: bounded by
/// the reassembly limit, failures mapped to packet drop reasons.
@Suite("SIP stream framer")
struct SIPStreamFramerTests {
    enum Framed: Equatable {
        case needMoreBytes
        case skip(Int)
        case message(length: Int)
        case invalid(PacketDropReason)
    }

    static func frame(_ text: String, max: Int = 65_536) -> Framed {
        Array(text.utf8).withUnsafeBytes { bytes in
            do throws(SIPParseError) {
                switch try SIPStreamFramer.nextFrame(in: bytes, maximumLength: max) {
                case .needMoreBytes: return .needMoreBytes
                case .keepAlive(let length): return .skip(length)
                case .message(let length, _): return .message(length: length)
                }
            } catch {
                return .invalid(PacketDropReason(framing: error))
            }
        }
    }

    @Test("Content-Length in its full and compact forms, any case, with blanks")
    func contentLengthForms() {
        for header in ["Content-Length: 4", "content-length:4", "CONTENT-LENGTH \t: 4 ", "l: 4", "L:4"] {
            let text = "MESSAGE sip:a@b SIP/2.0\r\nVia: x\r\n\(header)\r\n\r\nbody"
            #expect(Self.frame(text) == .message(length: text.utf8.count), "\(header)")
        }
    }

    @Test("a message without Content-Length has an empty body; bare LF line ends are accepted")
    func missingLengthAndBareLF() {
        #expect(Self.frame("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\nNEXT") == .message(length: 35))
        #expect(Self.frame("OPTIONS sip:a@b SIP/2.0\nl: 2\n\nabNEXT") == .message(length: 32))
    }

    @Test("keep-alives are skipped; partial messages wait")
    func keepAlivesAndPartial() {
        #expect(Self.frame("\r\n\r\nOPTIONS") == .skip(4))
        #expect(Self.frame("OPTIONS sip:a@b SIP/2.0\r\nl: 10\r\n\r\nshort") == .needMoreBytes)
        #expect(Self.frame("OPTIONS sip:a@b SIP/2.0\r\nVia") == .needMoreBytes)
        #expect(Self.frame("") == .needMoreBytes)
    }

    @Test("bad or oversized lengths are invalid")
    func invalid() {
        #expect(Self.frame("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: abc\r\n\r\n") == .invalid(.tcpContentLengthInvalid))
        #expect(Self.frame("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 1234567890\r\n\r\n") == .invalid(.tcpContentLengthInvalid))
        #expect(Self.frame("OPTIONS sip:a@b SIP/2.0\r\nl: 5000\r\n\r\n", max: 1_000) == .invalid(.tcpMessageTooLarge))
        #expect(Self.frame(String(repeating: "X", count: 1_000), max: 1_000) == .invalid(.tcpMessageTooLarge))
    }

    @Test("start-line sniffing tells SIP from other traffic")
    func startLine() {
        func classify(_ text: String) -> SIPStartLine.Verdict { Array(text.utf8).withUnsafeBytes { SIPStartLine.classify($0) } }
        #expect(classify("INVITE sip:+442079460123@x SIP/2.0\r\n") == .sip)
        #expect(classify("SIP/2.0 180 Ringing\r\n") == .sip)
        #expect(classify("ACK tel:+442079460123 sip/2.0\r\n") == .sip)
        #expect(classify("INVITE sip:a@b SIP/2.") == .needMoreBytes)
        #expect(classify("GET / HTTP/1.1\r\n") == .notSIP)
        #expect(classify("SIP/2.0 OK\r\n") == .notSIP)
        #expect(classify("\u{80}\u{08}abcdefgh") == .notSIP)
        #expect(classify("invite sip:a@b SIP/2.0\r\n") == .notSIP)
    }
}
