import Foundation
import PacketCapture
import PacketDecoding
import SIPParsing
import Testing

/// The SIP parser's per-message fields (Call-ID, method, status, From user, P-Asserted-Identity user,
/// Request-URI user) against `tshark -T fields` on the same captures: the ones in Captures/sip, made
/// with Kamailio and SIPp. tshark runs in the test.
@Suite("SIP fields against tshark")
struct TsharkFieldOracleTests {
    static let fields = ["frame.number", "sip.Call-ID", "sip.Method", "sip.Status-Code", "sip.from.user", "sip.pai.user", "sip.r-uri.user"]

    /// Every capture tshark can read as SIP (tshark 4.0 has no HEP dissector: see `hepMatchesItsPlainSIP`).
    static let captures = SIPCaptures.names.filter { $0 != "hep.pcap" }

    @Test("the SIP captures are there")
    func capturesExist() {
        #expect(Self.captures.count >= 9, "Captures/sip: \(SIPCaptures.names)")
    }

    @Test("every message's fields match tshark's, frame by frame", arguments: captures)
    func fieldsMatchTshark(_ name: String) throws {
        let path = SIPCaptures.path(name)
        let tshark = try SIPCaptures.tsharkFields(path, fields: Self.fields)
        var decoder = CaptureFileDecoder()
        let payloads = try decoder.decode(path: path)
        #expect(decoder.decoder.counters.malformedOrOverBound == 0, "\(name): \(decoder.decoder.counters.nonZeroDrops)")

        var ours: [UInt64: [MessageFields]] = [:]
        var rejectedFrames: [UInt64] = []
        for payload in payloads {
            guard case .frame(let number) = payload.origin else { continue }
            guard let message = try? SIPMessage(bytes: payload.bytes) else {
                rejectedFrames.append(number)
                continue
            }
            ours[number, default: []].append(MessageFields(message))
        }
        let expectedRejected = try SIPCaptures.expectedMalformed(name)
        #expect(rejectedFrames.count == expectedRejected, "\(name): the parser rejected frames \(rejectedFrames)")

        #expect(tshark.count == ours.count + rejectedFrames.count, "\(name): tshark sees SIP in \(tshark.count) frames")
        for row in tshark {
            guard let frame = UInt64(row[0]) else { continue }
            if rejectedFrames.contains(frame) {
                // The planted malformed INVITEs (make-captures.sh send_malformed): tshark reads their
                // start line; the parser refuses them (no colon after a header name; a body shorter than Content-Length).
                #expect(row[2] == "INVITE" && row[6] == "1005", "\(name) frame \(frame): \(row)")
                continue
            }
            let messages = ours[frame] ?? []
            let want = Array(row.dropFirst()) + Array(repeating: "", count: max(0, Self.fields.count - row.count))
            #expect(MessageFields.joined(messages) == want, "\(name) frame \(frame)")
        }
    }

    @Test("HEP: the messages Kamailio's siptrace mirrored match tshark on the same calls' plain SIP")
    func hepMatchesItsPlainSIP() throws {
        let plain = try SIPCaptures.tsharkFields(SIPCaptures.path("hep-plain.pcap"), fields: Self.fields)
        var decoder = CaptureFileDecoder()
        let payloads = try decoder.decode(path: SIPCaptures.path("hep.pcap"))
        #expect(decoder.decoder.counters.hepPackets == UInt64(payloads.count))
        let fromHEP = payloads.compactMap { payload -> [String]? in
            guard case .hep(let origin) = payload.origin, origin.version == 3, origin.captureID == 2001,
                let message = try? SIPMessage(bytes: payload.bytes)
            else { return nil }
            return MessageFields.joined([MessageFields(message)])
        }
        #expect(fromHEP.count == payloads.count, "every HEP packet carried a SIP message that parses")
        let fromWire = plain.map { Array($0.dropFirst()) + Array(repeating: "", count: max(0, Self.fields.count - $0.count)) }
        // One HEP packet per message Kamailio received or sent: the same multiset as on the wire.
        #expect(fromHEP.map { $0.joined(separator: "|") }.sorted() == fromWire.map { $0.joined(separator: "|") }.sorted())
        #expect(fromHEP.count == 65)
    }
}

/// The fields tshark prints for one message, read with the project's parser.
struct MessageFields {
    var callID: String
    var method: String
    var status: String
    var fromUser: String
    var assertedUser: String
    var requestURIUser: String

    init(_ message: SIPMessage) {
        callID = message.callID ?? ""
        method = message.isRequest ? message.methodText ?? "" : ""
        status = message.statusCode.map(String.init) ?? ""
        fromUser = message.from.flatMap { address in address.uri.user.map(message.text) } ?? ""
        assertedUser =
            message.first(.pAssertedIdentity).flatMap { field in
                message.nameAddress(field.value).flatMap { address in address.uri.user.map(message.text) }
            } ?? ""
        requestURIUser = message.requestURI.flatMap { uri in uri.user.map(message.text) } ?? ""
    }

    /// The columns after `frame.number`, several messages of one frame comma-joined as tshark does.
    static func joined(_ messages: [MessageFields]) -> [String] {
        func column(_ value: (MessageFields) -> String) -> String {
            messages.map(value).filter { !$0.isEmpty }.joined(separator: ",")
        }
        return [column(\.callID), column(\.method), column(\.status), column(\.fromUser), column(\.assertedUser), column(\.requestURIUser)]
    }
}
