import CallModel
import Foundation
import SIPDialogs
import SIPParsing
import Testing

/// Where the public captures are: `../shared/public-captures` beside the repository root.
enum PublicCaptures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/public-captures").standardized.path
    static let present = FileManager.default.fileExists(atPath: directory + "/manifest.tsv")
    /// Whether the suites over these captures run: when the directory is there, and always under
    /// `CI=true` (`.ci/run`), where a missing directory must fail them, not skip them.
    static let enabled = present || ProcessInfo.processInfo.environment["CI"] == "true"
    static let skipReason: Comment = "needs ../shared/public-captures beside the repository (required when CI=true)"
}

/// The parser against tshark 4.0 on other projects' public captures
/// (`../shared/public-captures/*.tshark.tsv`, one row per SIP message): same messages, in the same
/// order, with the same Call-ID, method, status, CSeq method, From/To/Request-URI/PAI user and
/// Privacy. Only the plain Ethernet pcap files the test-only reader can read are compared; the
/// others (SLL, SCTP, WebSocket, ERSPAN, IP fragments, HEP) need the real packet decoder.
@Suite("Public captures: parser vs tshark", .enabled(if: PublicCaptures.enabled, PublicCaptures.skipReason))
struct PublicCaptureOracleTests {
    static let directory = PublicCaptures.directory

    static let captures = [
        "heplify__sip_ipv4_tcp", "heplify__sip_ipv4_tcp_fragmented", "heplify__sip_ipv6_udp", "zeek__wireshark",
    ]

    /// The compared fields of one message, as tshark names them.
    static let fields = [
        "sip.Call-ID", "sip.from.user", "sip.Method", "sip.Status-Code", "sip.CSeq.method", "sip.to.user",
        "sip.r-uri.user", "sip.pai.user", "sip.Privacy",
    ]

    /// tshark's rows for one capture.
    static func oracle(_ name: String) throws -> [[String]] {
        let text = try String(contentsOfFile: "\(directory)/\(name).tshark.tsv", encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        let header = lines.removeFirst()
        let columns = fields.compactMap { header.firstIndex(of: $0) }
        return lines.map { row in columns.map { $0 < row.count ? row[$0] : "" } }
    }

    /// The same fields read by SIPParsing.
    static func fields(of message: SIPMessage) -> [String] {
        func user(_ uri: SIPURI?) -> String { uri?.user.map(message.text) ?? "" }
        let pai = message.values(.pAssertedIdentity).first.flatMap { message.nameAddress($0)?.uri }
        return [
            message.callID ?? "",
            user(message.from?.uri),
            message.methodText ?? "",
            message.statusCode.map(String.init) ?? "",
            message.cseq.map { message.text($0.methodRange) } ?? "",
            user(message.to?.uri),
            user(message.requestURI),
            user(pai),
            message.first(.privacy).map { message.text($0.value) } ?? "",
        ]
    }

    /// The SIP messages of a capture as this module sees them (payloads that are not SIP — RTP,
    /// RTCP — do not parse and are left out, as tshark leaves them out).
    static func messages(_ name: String) throws -> [(SIPMessage, TestPcapReader.Payload)] {
        try TestPcapReader.payloads(path: "\(directory)/\(name).pcap").compactMap { payload in
            (try? SIPMessage(bytes: payload.bytes)).map { ($0, payload) }
        }
    }

    @Test("same messages and fields as tshark", arguments: captures)
    func sameFieldsAsTshark(capture: String) throws {
        let expected = try Self.oracle(capture)
        let actual = try Self.messages(capture).map { Self.fields(of: $0.0) }
        #expect(expected.count > 0)
        #expect(actual.count == expected.count)
        for (index, (mine, theirs)) in zip(actual, expected).enumerated() where mine != theirs {
            Issue.record("\(capture) message \(index + 1): \(mine) != tshark \(theirs)")
            break
        }
    }

    /// Every INVITE dialog in the captures becomes one call that ends in a terminal event, and no
    /// SIP message is malformed or missing its dialog headers.
    @Test("dialogs from the captures", arguments: captures)
    func dialogs(capture: String) throws {
        let messages = try Self.messages(capture)
        var tracker = SIPDialogTracker(configuration: SIPDialogTrackerConfiguration(plan: .unitedKingdom))
        var events: [SIPDialogEvent] = []
        for (message, payload) in messages {
            tracker.tick(now: payload.transport.time, into: &events)
            tracker.process(message, transport: payload.transport, into: &events)
        }
        tracker.expireAll(at: messages.last.map { $0.1.transport.time } ?? Timestamp(secondsSinceEpoch: 0), into: &events)
        let initialInvites = Set(
            try Self.oracle(capture).filter { $0[2] == "INVITE" }.map { $0[0] })
        let started = events.filter { $0.event.phase == .started }
        let terminal = events.filter { $0.event.phase.isTerminal }
        #expect(tracker.counters.missingHeaders == 0)
        #expect(tracker.counters.malformed == 0)
        #expect(Set(started.map(\.event.callID)) == initialInvites)
        #expect(terminal.count == started.count)
        #expect(Set(terminal.map(\.event.callID)) == Set(started.map(\.event.callID)))
    }
}
