import CallModel
import CallPipeline
import CallwardenPorts
import PacketCapture
import CallwardenApp
import Foundation
import SIPDialogs
import Testing

/// The SIP captures (Captures/sip, made with Kamailio and SIPp) through `callwarden replay --json`
/// — the executable, as an operator runs it — compared with their sidecars: events, calls,
/// malformed and detections (kind, caller, callers, target, action, calls). `sip_calls` lists each
/// call's counted caller, extension and outcome; it is compared with what the capture pipeline
/// produced for the same file.
@Suite("SIP captures against their sidecars")
struct SIPCaptureSidecarTests {
    static let captures = CaptureSidecarTests.captures.filter {
        $0.capturePath.hasSuffix(".pcap") || $0.capturePath.hasSuffix(".pcapng")
    }

    static func sidecar(_ capture: CaptureSidecarTests.Capture) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: capture.sidecarPath))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("there are SIP captures of every kind the issue asks for")
    func capturesExist() {
        let names = Set(Self.captures.map { ($0.capturePath as NSString).lastPathComponent })
        for name in [
            "background.pcap", "repeat-caller.pcap", "withheld-pai.pcap", "anonymous.pcap", "number-hopping.pcap", "tcp.pcap",
            "ipv6.pcap", "any-sll2.pcap", "hep.pcap",
        ] {
            #expect(names.contains(name), "Captures/sip/\(name)")
        }
    }

    @Test("callwarden replay --json matches the sidecar", arguments: captures)
    func replayJSONMatches(_ capture: CaptureSidecarTests.Capture) throws {
        let sidecar = try Self.sidecar(capture)
        let config = TestSupport.packageRoot + "/" + (sidecar["config"] as? String ?? "Config/callwarden.yaml")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestSupport.executable)
        process.arguments = ["replay", "--json", "--config", config, capture.capturePath]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])

        #expect(report["events"] as? Int == sidecar["events"] as? Int)
        #expect(report["calls"] as? Int == sidecar["calls"] as? Int)
        #expect(report["malformed"] as? Int == sidecar["malformed"] as? Int)
        let files = report["files"] as? [[String: Any]] ?? []
        #expect(files.first?["format"] as? String == sidecar["format"] as? String)

        func summaries(_ entries: [[String: Any]]) -> [String] {
            entries.map { entry in
                CaptureSidecarTests.summary(expected: entry) + " calls=\(entry["calls"] as? Int ?? -1)"
            }.sorted()
        }
        #expect(
            summaries(report["detections"] as? [[String: Any]] ?? []) == summaries(sidecar["detections"] as? [[String: Any]] ?? []))
    }

    @Test("each call's caller, extension and outcome match the sidecar", arguments: captures)
    func callsMatch(_ capture: CaptureSidecarTests.Capture) throws {
        let sidecar = try Self.sidecar(capture)
        let expected = try #require(sidecar["sip_calls"] as? [String])
        let configuration = try CallwardenConfiguration.load(
            path: TestSupport.packageRoot + "/" + (sidecar["config"] as? String ?? "Config/callwarden.yaml"))
        let format = try #require(CaptureFileFormat.detect(path: capture.capturePath))
        let source = try CaptureFileSource(path: capture.capturePath, format: format, configuration: configuration.sipIngestConfiguration)
        var processor = configuration.makeProcessor()
        var batch = IngestBatch()
        while try source.step(maximumFrames: 1_000, processor: &processor, batch: &batch) > 0 {}
        source.finish(processor: &processor, batch: &batch)

        let terminal = batch.events.filter(\.isTerminal)
        #expect(terminal.count == sidecar["calls"] as? Int, "one terminal event per call")
        let calls = terminal.map { event -> String in
            let caller = event.caller
            let name = caller.countedNumber?.description ?? caller.internalExtension.map { "ext:" + $0 } ?? "unidentified"
            let disposition = event.disposition?.rawValue ?? "?"
            return name + (caller.presentationRestricted ? " withheld" : "") + " → " + event.callee.key + " " + disposition
        }.sorted()
        #expect(calls == expected.sorted())
        #expect(source.counters.dialogs.dialogsTimedOut == 0, "every call in the captures ends with a message")
    }
}
