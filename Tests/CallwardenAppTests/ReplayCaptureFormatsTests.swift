import PacketCapture
import CallwardenApp
import Foundation
import Logging
import Testing

/// `replay` tells a capture by its magic number: the same calls written as big-endian pcap,
/// nanosecond pcap (both byte orders) and pcapng give exactly what the little-endian original gives.
@Suite("replay: capture formats")
struct ReplayCaptureFormatsTests {
    static let original = TestSupport.packageRoot + "/Captures/sip/repeat-caller.pcap"

    static func replay(_ path: String) throws -> ReplayReport {
        let configuration = try CallwardenConfiguration.load(path: TestSupport.packageRoot + "/Captures/sip/callwarden.yaml")
        return try ReplayRunner(configuration: configuration, format: nil, logger: Logger(label: "test")).run(paths: [path])
    }

    @Test("every form replays like the original", arguments: CaptureRewriter.Form.allCases)
    func sameResult(_ form: CaptureRewriter.Form) throws {
        let directory = try TestSupport.temporaryDirectory("formats")
        let path = directory + "/repeat-caller." + form.rawValue
        let (linkType, records) = try CaptureRewriter.read(Self.original)
        try CaptureRewriter.write(form, linkType: linkType, records: records, to: path)
        let expected = try Self.replay(Self.original)
        let report = try Self.replay(path)
        #expect(report.events == expected.events && report.calls == expected.calls && report.malformed == 0)
        #expect(report.detections.map(\.episodeKey) == expected.detections.map(\.episodeKey))
        #expect(report.detections.map(\.first) == expected.detections.map(\.first), "the same capture times")
        let wanted: CaptureFileFormat = form == .pcapng ? .pcapng : form == .bigEndian ? .pcap : .pcapNanosecond
        #expect(report.files.first?.captureFormat == wanted)
        #expect(report.files.first?.format == nil)
    }

    @Test("a file that is neither a capture nor a CDR file is a clear error, not a crash")
    func neither() throws {
        let directory = try TestSupport.temporaryDirectory("formats")
        let path = directory + "/garbage.bin"
        try Data([0xA1, 0xB2, 0xC3]).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigurationError.self) { try Self.replay(path) }
        let truncated = directory + "/truncated.pcap"
        try Data([0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0]).write(to: URL(fileURLWithPath: truncated))
        #expect(throws: ConfigurationError.self) { try Self.replay(truncated) }
    }
}
