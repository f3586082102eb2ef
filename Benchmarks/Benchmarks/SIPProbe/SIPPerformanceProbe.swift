import CallModel
import SIPDialogs
import SIPParsing

/// The entry points the SIP benchmarks measure (`SIPBenchmarks`, `SIPThroughput`): parse, parse and
/// identify, track dialogs, and a synthetic workload. Benchmark code, kept out of the production
/// modules; it uses only their ordinary (`package`) API, so it must be compiled in the same package
/// as `CallModel`, `SIPParsing` and `SIPDialogs` (a benchmark target of the main package).
package enum SIPPerformanceProbe {
    /// Parses every message and reads and resolves its caller identity (all identity headers,
    /// numbers normalised), as the tracker does for each INVITE.
    /// - Returns: messages parsed, messages rejected, and callers with a number to count by.
    package static func parseAndIdentify(_ messages: [[UInt8]], countryCode: String = "GB")
        -> (parsed: Int, malformed: Int, identified: Int)
    {
        let plan = NumberPlan.byCountry[countryCode] ?? .unitedKingdom
        let reader = SIPIdentityReader(plan: plan)
        let resolver = SIPCallerResolver(plan: plan)
        var parsed = 0
        var malformed = 0
        var identified = 0
        for bytes in messages {
            guard let message = try? SIPMessage(bytes: bytes) else {
                malformed += 1
                continue
            }
            parsed += 1
            if resolver.caller(reader.read(message), source: nil).countedNumber != nil { identified += 1 }
        }
        return (parsed, malformed, identified)
    }

    /// Parses every message only (start line, header index, Content-Length).
    /// - Returns: messages parsed.
    package static func parse(_ messages: [[UInt8]]) -> Int {
        var parsed = 0
        for bytes in messages where (try? SIPMessage(bytes: bytes)) != nil { parsed += 1 }
        return parsed
    }

    /// Feeds every message to one dialog tracker, one millisecond apart, ticking as it goes.
    /// - Returns: call events emitted (after closing what is still open) and dialogs started.
    package static func track(_ messages: [[UInt8]], countryCode: String = "GB") -> (events: Int, dialogs: Int) {
        let plan = NumberPlan.byCountry[countryCode] ?? .unitedKingdom
        var tracker = SIPDialogTracker(configuration: SIPDialogTrackerConfiguration(plan: plan))
        var events: [SIPDialogEvent] = []
        events.reserveCapacity(1_024)
        var emitted = 0
        let source = SIPEndpoint(address: .ipv4(0xC000_020A), port: 5060)
        let destination = SIPEndpoint(address: .ipv4(0xC000_0201), port: 5060)
        var time = Timestamp(secondsSinceEpoch: 1_700_000_000)
        for bytes in messages {
            let transport = SIPTransportInfo(source: source, destination: destination, transport: .udp, time: time)
            tracker.tick(now: time, into: &events)
            tracker.process(bytes: bytes, transport: transport, into: &events)
            emitted += events.count
            events.removeAll(keepingCapacity: true)
            time = time + TimeSpan(microseconds: 1_000)
        }
        tracker.expireAll(at: time, into: &events)
        return (emitted + events.count, tracker.counters.dialogsStarted)
    }

    /// A synthetic workload: `calls` calls of seven messages each (INVITE with P-Asserted-Identity,
    /// Privacy and an Identity header on every fourth call, 100, 180, 200, ACK, BYE, 200), in call
    /// order. Numbers from Ofcom's drama ranges.
    package static func syntheticCalls(_ calls: Int) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        messages.reserveCapacity(calls * 7)
        for call in 0..<calls {
            let callID = "\(call)-a84b4c76e66710@192.0.2.10"
            let number = "+4420794600\(String(call % 100).count == 1 ? "0" : "")\(call % 100)"
            let withheld = call % 3 == 0
            let from =
                withheld
                ? "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=\(call)f"
                : "\"Caller \(call % 10)\" <sip:\(number)@trunk.example;user=phone>;tag=\(call)f"
            let to = "<sip:10\(call % 90 + 10)@pbx.example>"
            let via = "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK\(call)x;rport"
            func message(_ startLine: String, _ cseq: String, toTag: Bool, extra: [String] = [], body: String = "") -> [UInt8] {
                Array(
                    ([startLine, via, "Max-Forwards: 70", "From: \(from)", "To: \(to)\(toTag ? ";tag=\(call)t" : "")",
                      "Call-ID: \(callID)", "CSeq: \(cseq)", "User-Agent: Callwarden-Bench/1.0"] + extra
                        + ["Content-Length: \(body.utf8.count)", "", body]).joined(separator: "\r\n").utf8)
            }
            var inviteHeaders = [
                "Contact: <sip:\(withheld ? "anonymous" : number)@192.0.2.10:5060>",
                "P-Asserted-Identity: <sip:\(number)@trunk.example;user=phone>, <tel:\(number)>",
                "Privacy: \(withheld ? "id" : "none")",
                "Supported: replaces, timer", "Content-Type: application/sdp",
            ]
            if call % 4 == 0 {
                inviteHeaders.append(
                    "Identity: eyJhbGciOiJFUzI1NiIsInBwdCI6InNoYWtlbiIsInR5cCI6InBhc3Nwb3J0In0.eyJhdHRlc3QiOiJBIiwiZGVzdCI6eyJ0biI6WyI0NDIwNzk0NjA5OTkiXX0sImlhdCI6MTcwNTMyMTgyMiwib3JpZyI6eyJ0biI6IjQ0MjA3OTQ2MDEyMyJ9LCJvcmlnaWQiOiJhYmMifQ.c2ln;info=<https://cert.example/sp.pem>;alg=ES256;ppt=shaken"
                )
            }
            let sdp = "v=0\r\no=- \(call) 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"
            messages.append(message("INVITE sip:10\(call % 90 + 10)@pbx.example SIP/2.0", "1 INVITE", toTag: false, extra: inviteHeaders, body: sdp))
            messages.append(message("SIP/2.0 100 Trying", "1 INVITE", toTag: false))
            messages.append(message("SIP/2.0 180 Ringing", "1 INVITE", toTag: true))
            messages.append(message("SIP/2.0 200 OK", "1 INVITE", toTag: true, extra: ["Content-Type: application/sdp"], body: sdp))
            messages.append(message("ACK sip:10\(call % 90 + 10)@192.0.2.20:5062 SIP/2.0", "1 ACK", toTag: true))
            messages.append(message("BYE sip:10\(call % 90 + 10)@192.0.2.20:5062 SIP/2.0", "2 BYE", toTag: true))
            messages.append(message("SIP/2.0 200 OK", "2 BYE", toTag: true))
        }
        return messages
    }
}
