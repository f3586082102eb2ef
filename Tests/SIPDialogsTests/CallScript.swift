import CallModel
import SIPDialogs
import SIPParsing

/// Builds the messages of one synthetic call and feeds them to a tracker. Numbers are from
/// Ofcom's drama ranges, addresses from 192.0.2.0/24 (TEST-NET-1).
struct CallScript {
    static let caller = SIPEndpoint(address: .ipv4(0xC000_020A), port: 5060)  // 192.0.2.10
    static let proxy = SIPEndpoint(address: .ipv4(0xC000_0201), port: 5060)  // 192.0.2.1
    static let callee = SIPEndpoint(address: .ipv4(0xC000_0214), port: 5062)  // 192.0.2.20
    static let epoch = Timestamp(secondsSinceEpoch: 1_705_321_800)

    var callID = "call-1@192.0.2.10"
    var fromTag = "caller-tag"
    var toTag = "callee-tag"
    var from = "\"Caller\" <sip:+442079460123@trunk.example;user=phone>"
    var to = "<sip:1001@pbx.example>"
    var requestURI = "sip:1001@pbx.example"

    static func at(_ seconds: Double, _ source: SIPEndpoint = caller, _ destination: SIPEndpoint = proxy) -> SIPTransportInfo {
        SIPTransportInfo(
            source: source, destination: destination, transport: .udp,
            time: epoch + TimeSpan(microseconds: Int64(seconds * 1_000_000)))
    }

    static func time(_ seconds: Double) -> Timestamp { epoch + TimeSpan(microseconds: Int64(seconds * 1_000_000)) }

    private func lines(_ startLine: String, method: String, cseq: Int, toTag: String?, fromCallee: Bool, extra: [String]) -> [UInt8] {
        let fromHeader = fromCallee ? "\(to);tag=\(self.toTag)" : "\(from);tag=\(fromTag)"
        let toHeader =
            fromCallee ? "\(from);tag=\(fromTag)" : (toTag.map { "\(to);tag=\($0)" } ?? to)
        let text =
            ([
                startLine,
                "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-\(cseq)-\(method)",
                "From: \(fromHeader)",
                "To: \(toHeader)",
                "Call-ID: \(callID)",
                "CSeq: \(cseq) \(method)",
            ] + extra + ["Content-Length: 0"]).joined(separator: "\r\n") + "\r\n\r\n"
        return Array(text.utf8)
    }

    /// A request from the caller (or, `fromCallee`, from the callee with the tags swapped).
    func request(
        _ method: String, cseq: Int = 1, toTag: String? = nil, fromCallee: Bool = false, requestURI: String? = nil,
        extra: [String] = []
    ) -> [UInt8] {
        lines(
            "\(method) \(requestURI ?? self.requestURI) SIP/2.0", method: method, cseq: cseq, toTag: toTag,
            fromCallee: fromCallee, extra: extra)
    }

    func invite(cseq: Int = 1, extra: [String] = []) -> [UInt8] { request("INVITE", cseq: cseq, extra: extra) }

    /// A response to the caller's request `method`; the To-tag is added for everything but 100.
    func response(_ status: Int, _ method: String = "INVITE", cseq: Int = 1, toTag: String? = nil) -> [UInt8] {
        let tag = toTag ?? (status == 100 ? nil : self.toTag)
        return lines("SIP/2.0 \(status) Reason", method: method, cseq: cseq, toTag: tag, fromCallee: false, extra: [])
    }

    /// A response to a request the callee sent (tags swapped).
    func responseToCallee(_ status: Int, _ method: String, cseq: Int) -> [UInt8] {
        lines("SIP/2.0 \(status) OK", method: method, cseq: cseq, toTag: nil, fromCallee: true, extra: [])
    }
}

/// A tracker and everything it emitted.
struct TrackerRun {
    var tracker: SIPDialogTracker
    var events: [SIPDialogEvent] = []

    init(_ configuration: SIPDialogTrackerConfiguration = SIPDialogTrackerConfiguration(plan: .unitedKingdom)) {
        tracker = SIPDialogTracker(configuration: configuration)
    }

    mutating func feed(_ bytes: [UInt8], _ transport: SIPTransportInfo) {
        tracker.tick(now: transport.time, into: &events)
        tracker.process(bytes: bytes, transport: transport, into: &events)
    }

    mutating func tick(_ seconds: Double) {
        tracker.tick(now: CallScript.time(seconds), into: &events)
    }

    var phases: [CallPhase] { events.map(\.event.phase) }
}
