import CDRIngest
import CallModel
import CallwardenPorts
import Foundation
import Testing

/// Issue 14, "Nothing lost on rotation": the tailer against Debian's `logrotate` itself, in rename
/// mode (numbered and `dateext`) and copytruncate mode, while following, lagging several rotations
/// behind, and stopped (resumed from a checkpoint): every line written is handed out once, in order.
@Suite(.serialized)
struct LogrotateChainTests {
    let directory: String
    let path: String

    init() throws {
        directory = NSTemporaryDirectory() + "callwarden-logrotate-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // logrotate refuses a directory others may write to.
        chmod(directory, 0o755)
        path = directory + "/Master.csv"
    }

    static var logrotate: String? {
        ["/usr/sbin/logrotate", "/sbin/logrotate", "/usr/bin/logrotate"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The PBX: appends lines `range` (opening the path each time, as Asterisk's cdr_csv does).
    func write(_ range: Range<Int>) throws {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(range.map { "line-\($0),some,cdr,fields\n" }.joined().utf8))
        try handle.close()
    }

    /// Runs `logrotate -f` once with `directives` for the path.
    func rotate(_ directives: String) throws {
        let config = directory + "/logrotate.conf"
        try "\(path) {\n\(directives)\n    rotate 50\n    missingok\n    nocompress\n}\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o644)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.logrotate))
        process.arguments = ["-f", "-s", directory + "/logrotate.state", config]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "logrotate: \(message)")
    }

    func read(_ tailer: FileTailer, maximum: Int = .max) -> [String] {
        var lines: [String] = []
        while lines.count < maximum,
            tailer.poll(maximumLines: min(7, maximum - lines.count), { bytes, _ in
                lines.append(String(decoding: bytes, as: UTF8.self))
            }) > 0
        {}
        return lines
    }

    static func expected(_ range: Range<Int>) -> [String] { range.map { "line-\($0),some,cdr,fields" } }

    @Test("rename rotation, numbered: lagging three rotations behind, every line once", .enabled(if: logrotate != nil))
    func renameNumberedLagging() throws {
        try write(0..<100)
        let tailer = FileTailer(path: path)
        var seen = read(tailer, maximum: 30)
        // Three rotations between two polls, lines written before and between them.
        for round in 0..<3 {
            try write((100 + round * 50)..<(150 + round * 50))
            try rotate("    create 0640")
        }
        try write(250..<260)
        seen += read(tailer)
        #expect(seen == Self.expected(0..<260))
    }

    @Test("rename rotation with dateext while stopped: resumed from the checkpoint, every line once", .enabled(if: logrotate != nil))
    func renameDateextStopped() throws {
        try write(0..<40)
        let first = FileTailer(path: path)
        var seen = read(first, maximum: 25)
        let checkpoint = first.checkpoint(at: Timestamp(secondsSinceEpoch: 0))
        // Stopped through two rotations (distinct date names: the format carries the rotation's index).
        for round in 0..<2 {
            try write((40 + round * 20)..<(60 + round * 20))
            try rotate("    create 0640\n    dateext\n    dateformat -%Y%m%d-\(round)")
        }
        try write(80..<90)
        seen += read(FileTailer(path: path, resumingFrom: checkpoint))
        #expect(seen == Self.expected(0..<90))
    }

    @Test("copytruncate while following and lagging: the copy's unread lines are read, none twice", .enabled(if: logrotate != nil))
    func copytruncateLagging() throws {
        try write(0..<100)
        let tailer = FileTailer(path: path)
        var seen = read(tailer, maximum: 30)
        // One copytruncate with 70 lines unread: they exist only in the copy now.
        try rotate("    copytruncate")
        try write(100..<120)
        seen += read(tailer, maximum: 50)
        // Two more while lagging.
        try rotate("    copytruncate")
        try write(120..<140)
        try rotate("    copytruncate")
        try write(140..<150)
        seen += read(tailer)
        #expect(seen == Self.expected(0..<150))
    }

    @Test("stopped just after moving to the new, empty file, which is rotated before the restart", .enabled(if: logrotate != nil))
    func checkpointOnAnEmptyFileOfTheChain() throws {
        try write(0..<10)
        let first = FileTailer(path: path)
        var seen = read(first)
        try rotate("    create 0640")
        // The tail finishes the rotated file and opens the new, empty one: its checkpoint has no
        // first line to hash.
        seen += read(first)
        let checkpoint = first.checkpoint(at: Timestamp(secondsSinceEpoch: 0))
        #expect(checkpoint.lineNumber == 10, "the checkpoint names the file the tail left, at its end")
        try write(10..<20)
        try rotate("    create 0640")
        try write(20..<25)
        seen += read(FileTailer(path: path, resumingFrom: checkpoint))
        #expect(seen == Self.expected(0..<25))
    }

    @Test("copytruncate: stopped at the start of the truncated file, copied and truncated again before the restart", .enabled(if: logrotate != nil))
    func checkpointAtTheStartOfATruncatedFile() throws {
        try write(0..<30)
        let first = FileTailer(path: path)
        var seen = read(first)
        try rotate("    copytruncate")
        // The tail notices the truncation and stands at the start of the (empty) file.
        seen += read(first)
        let checkpoint = first.checkpoint(at: Timestamp(secondsSinceEpoch: 0))
        try write(30..<45)
        try rotate("    copytruncate")
        try write(45..<50)
        seen += read(FileTailer(path: path, resumingFrom: checkpoint))
        #expect(seen == Self.expected(0..<50))
    }

    @Test("copytruncate while stopped: resumed in the copy from the checkpoint", .enabled(if: logrotate != nil))
    func copytruncateStopped() throws {
        try write(0..<60)
        let first = FileTailer(path: path)
        var seen = read(first, maximum: 20)
        let checkpoint = first.checkpoint(at: Timestamp(secondsSinceEpoch: 0))
        try rotate("    copytruncate")
        try write(60..<75)
        try rotate("    copytruncate")
        try write(75..<80)
        seen += read(FileTailer(path: path, resumingFrom: checkpoint))
        #expect(seen == Self.expected(0..<80))
    }
}
