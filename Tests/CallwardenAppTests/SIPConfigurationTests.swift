import CallModel
import CallwardenApp
import Foundation
import PacketCapture
import SIPDialogs
import SIPParsing
import Testing

@Suite("capture, hep and sip configuration")
struct SIPConfigurationTests {
    @Test("absent sections mean no capture and no listener; every source is trusted")
    func absentSections() throws {
        let configuration = try CallwardenConfiguration.parse(yaml: "numbering:\n  country: GB\n", baseDirectory: "/")
        #expect(configuration.capture == nil)
        #expect(configuration.hep == nil)
        #expect(configuration.sip.trust == .trustAll)
        #expect(!configuration.capturesSIP)
    }

    @Test("every key is read, with the documented defaults for the rest")
    func fullSections() throws {
        let directory = try TestSupport.temporaryDirectory("sip-config")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TestSupport.writeSecret("s3cret", named: "hep.key", in: directory)
        let yaml = """
            capture:
              interface: eth1
              filter: "udp port 5060"
              snaplen: 65535
              buffer_size: 64MiB
              promiscuous: true
              queue: 1024
            hep:
              address: "::"
              port: 9064
              transport: both
              auth_key_file: hep.key
            sip:
              trusted_sources: ["192.0.2.1", "2001:db8::7"]
              max_dialogs: 1000
            """
        let configuration = try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: directory)
        let capture = try #require(configuration.capture)
        #expect(capture.interface == "eth1")
        #expect(capture.filter == "udp port 5060")
        #expect(capture.snapLength == 65_535)
        #expect(capture.bufferSize == 64 << 20)
        #expect(capture.promiscuous)
        #expect(capture.liveConfiguration.queueCapacity == 1_024)
        #expect(capture.sipPorts == [5060, 5061, 5080])
        let hep = try #require(configuration.hep)
        #expect(hep.address == "::" && hep.port == 9064 && hep.transport == .both)
        #expect(hep.listenerConfiguration.authKey == "s3cret")
        #expect(configuration.sip.trust == .trustedSources([.ipv4(0xC000_0201), .ipv6(0x2001_0db8_0000_0000, 7)]))
        #expect(configuration.sipIngestConfiguration.tracker.maximumDialogs == 1_000)
    }

    @Test("an empty capture section captures on any with the default filter")
    func defaultsOnly() throws {
        let configuration = try CallwardenConfiguration.parse(yaml: "capture:\n  interface: any\nhep:\n  port: 9060\n", baseDirectory: "/")
        #expect(configuration.capture?.interface == "any")
        #expect(configuration.capture?.filter == nil)
        #expect(configuration.capture?.bufferSize == 32 << 20)
        #expect(configuration.hep?.transport == .udp)
        #expect(configuration.hep?.address == "127.0.0.1")
    }

    @Test("every problem names its key")
    func strictErrors() {
        let yaml = """
            capture:
              interface: "eth 0"
              filter: "port banana"
              snaplen: 10
              buffer_size: lots
              sip_ports: [5060, 99999]
              promiscous: true
            hep:
              address: localhost
              port: 70000
              transport: sctp
              auth_key: \(String(repeating: "k", count: 256))
            sip:
              trusted_sources: ["10.0.0.300"]
            """
        #expect {
            try CallwardenConfiguration.parse(yaml: yaml, baseDirectory: "/")
        } throws: { error in
            let keys = Set((error as? ConfigurationErrors)?.errors.map(\.key) ?? [])
            return keys == [
                "capture.interface", "capture.filter", "capture.snaplen", "capture.buffer_size", "capture.sip_ports", "capture.promiscous",
                "hep.address", "hep.port", "hep.transport", "hep.auth_key", "sip.trusted_sources",
            ]
        }
    }
}
