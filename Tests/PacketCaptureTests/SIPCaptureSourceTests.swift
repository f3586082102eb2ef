import CallModel
import CallPipeline
import CallwardenPorts
import MetricsExposition
import PacketCapture
import PacketDecoding
import PacketTestSupport
import SIPDialogs
import Testing

/// The capture sources as the daemon wires them: real capture threads (libpcap on `lo`, a HEP
/// listener on a UDP socket) each running its own `SIPCaptureWorker`, behind a `SIPCaptureSource`
/// that is drained like the ingest loop drains it. Traffic is generated during the test on loopback.
@Suite("SIP capture sources", .serialized)
struct SIPCaptureSourceTests {
    static let canCapture: Bool = {
        do {
            let capture = try LiveCapture(configuration: .init(interface: "lo", filter: "udp port 9"))
            capture.stop()
            return true
        } catch {
            return false
        }
    }()

    /// Drains `source` until `done` holds for what was drained, or 60 s passed (a bound for a loaded
    /// CI machine, not a timing assertion).
    static func drain(_ source: SIPCaptureSource, until done: ([CallEvent]) -> Bool) async -> [CallEvent] {
        var events: [CallEvent] = []
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while !done(events), clock.now < deadline {
            if source.drain(into: &events, maximum: 2) == 0 { try? await Task.sleep(for: .milliseconds(20)) }
        }
        return events
    }

    static let configuration = SIPIngestConfiguration(plan: .unitedKingdom)

    @Test("live capture on lo: a call sent during the test becomes its call events", .enabled(if: canCapture, "needs CAP_NET_RAW to capture"))
    func liveCapture() async throws {
        let sender = LoopbackSender()
        let worker = SIPCaptureWorker(configuration: Self.configuration, eventCapacity: 64)
        let capture = try LiveCapture(
            configuration: .init(interface: "lo", sipPorts: [sender.port], hepPorts: [], immediateMode: true, queueCapacity: 64),
            sink: worker)
        let source = SIPCaptureSource(name: "sip:capture", workers: [worker])
        try capture.start()
        let callID = "live-\(sender.port)@127.0.0.1"
        sender.send(Array("INVITE sip:1010@127.0.0.1 SIP/2.0\r\nbroken header line\r\n\r\n".utf8), to: sender.port)
        for message in CallMessages.answered(callID: callID) { sender.send(message, to: sender.port) }
        let events = await Self.drain(source) { $0.count >= 4 }
        capture.stop()
        worker.idle()  // publishes the counters (the thread has stopped; this test is now the producer)

        #expect(events.map(\.phase) == [.started, .ringing, .answered, .ended])
        #expect(events.allSatisfy { $0.callID == callID && $0.source == .sip })
        #expect(events.first?.caller.countedNumber?.description == "+447700900123")
        #expect(events.first?.callee.key == "1010")
        let counters = source.counters
        #expect(counters.malformedTotal == 1, "the broken INVITE is counted, not fatal: \(counters.malformedDrops)")
        #expect(counters.dialogs.dialogsStarted == 1)
        #expect(source.queueDrops == 0)
        #expect(capture.lastError == nil)
    }

    @Test("idle: capture time moves on by the wall clock, so a call that never ends still closes", .enabled(if: canCapture, "needs CAP_NET_RAW to capture"))
    func idleSweep() async throws {
        let sender = LoopbackSender()
        var configuration = Self.configuration
        configuration.tracker.inviteTimeout = .seconds(1)
        configuration.tracker.ringingTimeout = .seconds(1)
        let worker = SIPCaptureWorker(configuration: configuration, idleSweepInterval: .milliseconds(100))
        let capture = try LiveCapture(
            configuration: .init(interface: "lo", sipPorts: [sender.port], hepPorts: [], immediateMode: true), sink: worker)
        let source = SIPCaptureSource(name: "sip:capture", workers: [worker])
        try capture.start()
        let messages = CallMessages.answered(callID: "idle-\(sender.port)@127.0.0.1")
        sender.send(messages[0], to: sender.port)
        sender.send(messages[1], to: sender.port)
        // No more traffic: only the wall clock can close the ringing call.
        let events = await Self.drain(source) { $0.contains { $0.phase.isTerminal } }
        capture.stop()
        worker.idle()
        #expect(events.map(\.phase) == [.started, .ringing, .failed])
        #expect(events.last?.disposition == .unknown)
        #expect(source.counters.dialogs.dialogsTimedOut == 1)
    }

    @Test("HEP listener: siptrace-style HEPv3 with the auth key becomes call events; a wrong key is counted")
    func hepListener() async throws {
        let worker = SIPCaptureWorker(configuration: Self.configuration)
        let listener = try HEPListener(configuration: .init(host: "127.0.0.1", port: 0, authKey: "s3cret"), sink: worker)
        let source = SIPCaptureSource(name: "sip:hep", workers: [worker])
        try listener.start()
        let sender = LoopbackSender()
        let callID = "hep-\(listener.port)@127.0.0.1"
        sender.send(HEPBuilder.sipVersion3(authKey: "wrong", payload: CallMessages.answered(callID: "spoofed")[0]), to: listener.port)
        for (index, message) in CallMessages.answered(callID: callID).enumerated() {
            let fromCaller = [0, 3, 4].contains(index)
            sender.send(
                HEPBuilder.sipVersion3(
                    source: fromCaller ? "192.0.2.10" : "192.0.2.20", destination: fromCaller ? "192.0.2.20" : "192.0.2.10",
                    authKey: "s3cret", correlationID: callID, payload: message),
                to: listener.port)
        }
        let events = await Self.drain(source) { $0.count >= 4 && source.counters.payloads == 6 }
        listener.stop()
        #expect(events.map(\.phase) == [.started, .ringing, .answered, .ended])
        #expect(events.allSatisfy { $0.callID == callID })
        #expect(events.first?.caller.countedNumber?.description == "+447700900123")
        #expect(listener.dropCount(.hepAuthKeyMismatch) == 1)
        #expect(source.counters.payloads == 6)
        // /metrics: the listener's counters, and the counters the source published at its last drain.
        var collector = MetricsCollector()
        listener.collectMetrics(into: &collector)
        source.collectMetrics(into: &collector)
        #expect(collector.family("callwarden_hep_datagrams_total")?.value(["transport": "udp"]) == 7)
        #expect(collector.family("callwarden_hep_payloads_queued_total")?.value(["transport": "udp"]) == 6)
        #expect(collector.family("callwarden_hep_dropped_total")?.value(["transport": "udp", "reason": "hep_auth_key_mismatch"]) == 1)
        #expect(collector.family("callwarden_sip_payloads_total")?.value(["source": "sip:hep"]) == 6)
        #expect(collector.family("callwarden_sip_events_total")?.value(["source": "sip:hep"]) == 4)
        #expect(collector.family("callwarden_sip_dialogs_started_total")?.value(["source": "sip:hep"]) == 1)
    }

    @Test("a drain hands out at most `maximum` events and keeps the rest for the next one")
    func drainRespectsMaximum() {
        // This test is the capture thread: it hands payloads to the worker itself.
        let worker = SIPCaptureWorker(configuration: Self.configuration, eventCapacity: 16)
        let source = SIPCaptureSource(name: "sip:hep", workers: [worker])
        let start = Timestamp(secondsSinceEpoch: 1_768_300_000)
        for (index, message) in CallMessages.answered(callID: "bounded").enumerated() {
            worker.takePayload(
                SIPPayload(
                    bytes: message, timestamp: start + .seconds(Int64(index)),
                    source: TransportEndpoint(address: .v4(0x7F00_0001), port: 5060),
                    destination: TransportEndpoint(address: .v4(0x7F00_0002), port: 5060), transport: .udp, origin: .frame(number: 1)))
        }
        var events: [CallEvent] = []
        #expect(source.drain(into: &events, maximum: 3) == 3)
        #expect(source.drain(into: &events, maximum: 3) == 1)
        #expect(source.drain(into: &events, maximum: 3) == 0)
        #expect(events.map(\.phase) == [.started, .ringing, .answered, .ended])
    }

    @Test("a full event queue drops the newest events and counts them; the capture thread never waits")
    func fullEventQueueDropsNewest() {
        let worker = SIPCaptureWorker(configuration: Self.configuration, eventCapacity: 2)
        let source = SIPCaptureSource(name: "sip:hep", workers: [worker])
        let start = Timestamp(secondsSinceEpoch: 1_768_300_000)
        for (index, message) in CallMessages.answered(callID: "overflow").enumerated() {
            worker.takePayload(
                SIPPayload(
                    bytes: message, timestamp: start + .seconds(Int64(index)),
                    source: TransportEndpoint(address: .v4(0x7F00_0001), port: 5060),
                    destination: TransportEndpoint(address: .v4(0x7F00_0002), port: 5060), transport: .udp, origin: .frame(number: 1)))
        }
        var events: [CallEvent] = []
        #expect(source.drain(into: &events, maximum: 10) == 2)
        #expect(events.map(\.phase) == [.started, .ringing])
        #expect(source.queueDrops == 2)
        var collector = MetricsCollector()
        source.collectMetrics(into: &collector)
        #expect(collector.family("callwarden_sip_event_queue_dropped_total")?.value(["source": "sip:hep"]) == 2)
    }
}
