import Foundation

/// The SIP captures the project makes itself (Captures/sip, see Captures/README.md) and tshark.
enum SIPCaptures {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Captures/sip"
    }()

    /// Every capture file in Captures/sip, by name.
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
    }()

    static func path(_ name: String) -> String { directory + "/" + name }

    /// The sidecar's `malformed` count for a capture.
    static func expectedMalformed(_ name: String) throws -> Int {
        let base = name.split(separator: ".").first.map(String.init) ?? name
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + base + ".expected.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return object?["malformed"] as? Int ?? -1
    }

    static let tsharkPath: String? = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `tshark -r FILE -Y sip -T fields` with the given fields, one row per frame that carries SIP;
    /// several messages in one frame give comma-joined values (`-E occurrence=a -E aggregator=,`).
    static func tsharkFields(_ file: String, fields: [String]) throws -> [[String]] {
        guard let tshark = tsharkPath else { throw TsharkMissing() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tshark)
        process.arguments = ["-r", file, "-Y", "sip", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"]
            + fields.flatMap { ["-e", $0] }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TsharkFailed(status: process.terminationStatus) }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    struct TsharkMissing: Error, CustomStringConvertible {
        var description: String { "tshark is not installed (scripts/install-system-packages installs it)" }
    }

    struct TsharkFailed: Error {
        var status: Int32
    }
}
