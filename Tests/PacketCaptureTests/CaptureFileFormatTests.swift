import PacketCapture
import Testing

@Suite("capture file format by magic number")
struct CaptureFileFormatTests {
    @Test("pcap in both byte orders, micro- and nanosecond, and pcapng; anything else is not a capture")
    func magicNumbers() {
        #expect(CaptureFileFormat.detect(prefix: [0xD4, 0xC3, 0xB2, 0xA1, 2, 0]) == .pcap)
        #expect(CaptureFileFormat.detect(prefix: [0xA1, 0xB2, 0xC3, 0xD4]) == .pcap)
        #expect(CaptureFileFormat.detect(prefix: [0x4D, 0x3C, 0xB2, 0xA1]) == .pcapNanosecond)
        #expect(CaptureFileFormat.detect(prefix: [0xA1, 0xB2, 0x3C, 0x4D]) == .pcapNanosecond)
        #expect(CaptureFileFormat.detect(prefix: [0x0A, 0x0D, 0x0D, 0x0A, 0x1C, 0, 0, 0]) == .pcapng)
        #expect(CaptureFileFormat.detect(prefix: Array("\"\",\"07700900123\"".utf8)) == nil, "an Asterisk CSV line")
        #expect(CaptureFileFormat.detect(prefix: Array("{\"v\":1}".utf8)) == nil, "a JSON line")
        #expect(CaptureFileFormat.detect(prefix: [0xD4, 0xC3, 0xB2]) == nil, "too short")
        #expect(CaptureFileFormat.detect(path: "/nonexistent/file.pcap") == nil)
    }
}
