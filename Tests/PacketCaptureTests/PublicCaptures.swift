import Glibc
import Testing
/// The public captures in `../shared/public-captures/` (relative to the package root, where
/// `swift test` runs) and their tshark oracle files.
enum PublicCaptures {
    static let directory: String = {
        let here = #filePath
        // <root>/Tests/PacketCaptureTests/PublicCaptures.swift → <root>/../shared/public-captures
        var parts = here.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/../shared/public-captures"
    }()

    static func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// Whether the suites over these captures run: when the directory is there, and always under
    /// `CI=true` (`.ci/run`), where a missing directory must fail them, not skip them.
    static let enabled: Bool = access(directory + "/manifest.tsv", F_OK) == 0 || getenv("CI").map { String(cString: $0) } == "true"

    /// Why they are skipped otherwise.
    static let skipReason: Comment = "needs ../shared/public-captures beside the repository (required when CI=true)"

    /// One row of a `*.tshark.tsv` file.
    struct TsharkRow: CustomStringConvertible {
        var callID: String
        var method: String
        var status: String
        var frame: UInt64
        var source: String
        var sourcePort: String
        var destination: String
        var destinationPort: String

        var description: String { "#\(frame) \(method)\(status) \(callID) \(source):\(sourcePort)→\(destination):\(destinationPort)" }
    }

    /// Reads a tshark oracle; of several addresses (a tunnel's outer and inner header) the last,
    /// the innermost, is kept.
    static func tsharkRows(_ name: String) throws -> [TsharkRow] {
        try lines(name).map { fields in
            func column(_ index: Int) -> String { index < fields.count ? fields[index] : "" }
            func innermost(_ value: String) -> String { String(value.split(separator: ",").last ?? "") }
            return TsharkRow(
                callID: column(0), method: column(2), status: column(3), frame: UInt64(column(9)) ?? 0,
                source: innermost(column(11).isEmpty ? column(12) : column(11)),
                sourcePort: innermost(column(13).isEmpty ? column(14) : column(13)),
                destination: innermost(column(15).isEmpty ? column(16) : column(15)),
                destinationPort: innermost(column(17).isEmpty ? column(18) : column(17)))
        }
    }

    /// One row of a `*.hep.tsv` file.
    struct HEPRow {
        var frame: UInt64
        var hepTime: String
        var captureID: UInt32
        var ipProtocol: UInt8
        var source: String
        var destination: String
        var firstLine: String
        var callID: String
    }

    static func hepRows(_ name: String) throws -> [HEPRow] {
        try lines(name).map { fields in
            HEPRow(
                frame: UInt64(fields[0]) ?? 0, hepTime: fields[2], captureID: UInt32(fields[3]) ?? 0,
                ipProtocol: UInt8(fields[4]) ?? 0, source: fields[5], destination: fields[6], firstLine: fields[7],
                callID: fields[8])
        }
    }

    struct MissingFile: Error { var path: String }

    /// Data rows (header dropped), split on tabs, empty fields kept.
    private static func lines(_ name: String) throws -> [[String]] {
        let path = path(name)
        guard let file = fopen(path, "r") else { throw MissingFile(path: path) }
        defer { fclose(file) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            text.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: text, as: UTF8.self).split(separator: "\n").dropFirst().map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
