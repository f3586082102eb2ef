import CDRIngest
import CallModel
import CallPipeline
import CallwardenPorts
import Foundation
import Testing

/// The tailer against real files in a temporary directory: growth, partial lines, rename
/// rotation, copytruncate, restart from a checkpoint, rotation while stopped.
struct FileTailerTests {
    let directory: String
    let path: String

    init() throws {
        directory = NSTemporaryDirectory() + "callwarden-tail-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/Master.csv"
    }

    func append(_ text: String, to file: String? = nil) throws {
        let target = file ?? path
        if !FileManager.default.fileExists(atPath: target) {
            FileManager.default.createFile(atPath: target, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    /// Polls until nothing more comes, returning (line number, text) pairs.
    func drain(_ tailer: FileTailer) -> [(Int64, String)] {
        var lines: [(Int64, String)] = []
        while tailer.poll(maximumLines: 3, { bytes, number in
            lines.append((number, String(decoding: bytes, as: UTF8.self)))
        }) > 0 {}
        return lines
    }

    @Test func followsGrowthAndWaitsForPartialLines() throws {
        try append("one\ntwo\nthr")
        let tailer = FileTailer(path: path)
        #expect(drain(tailer).map(\.1) == ["one", "two"])
        #expect(tailer.offset == 8)
        try append("ee\nfour\n")
        let next = drain(tailer)
        #expect(next.map(\.1) == ["three", "four"])
        #expect(next.map(\.0) == [3, 4])
    }

    @Test func missingFileIsWaitedFor() throws {
        let tailer = FileTailer(path: path)
        #expect(drain(tailer).isEmpty)
        #expect(!tailer.isOpen)
        try append("first\n")
        #expect(drain(tailer).map(\.1) == ["first"])
    }

    @Test func renameRotationReadsTheOldFileToItsEndThenTheNewOne() throws {
        try append("a1\na2\n")
        let tailer = FileTailer(path: path)
        #expect(drain(tailer).map(\.1) == ["a1", "a2"])
        try append("a3\n")  // written just before rotation, not yet read
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try append("b1\nb2\n")
        let lines = drain(tailer)
        #expect(lines.map(\.1) == ["a3", "b1", "b2"])
        #expect(lines.map(\.0) == [3, 1, 2])
    }

    @Test func copytruncateStartsOver() throws {
        try append("line one is long\nline two is long\n")
        let tailer = FileTailer(path: path)
        #expect(drain(tailer).count == 2)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 0)
        try handle.close()
        try append("new\n")
        #expect(drain(tailer).map(\.1) == ["new"])
    }

    @Test func truncatedAndRewrittenPastTheOffsetIsNoticedByItsFirstLine() throws {
        try append("old-1\nold-2\n")
        let tailer = FileTailer(path: path)
        #expect(drain(tailer).count == 2)
        // Truncated and refilled beyond the old offset between two polls.
        try Data("NEW-1\nNEW-2\nNEW-3\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(drain(tailer).map(\.1) == ["NEW-1", "NEW-2", "NEW-3"])
    }

    @Test func resumesFromACheckpoint() throws {
        try append("1\n2\n3\n")
        let first = FileTailer(path: path)
        _ = first.poll(maximumLines: 2) { _, _ in }
        let checkpoint = first.checkpoint(at: Timestamp(secondsSinceEpoch: 0))
        #expect(checkpoint.offset == 4)
        try append("4\n")
        let resumed = FileTailer(path: path, resumingFrom: checkpoint)
        let lines = drain(resumed)
        #expect(lines.map(\.1) == ["3", "4"])
        #expect(lines.map(\.0) == [3, 4])
    }

    @Test func aFileRotatedWhileStoppedIsFinishedFromItsRotatedName() throws {
        try append("1\n2\n3\n")
        let first = FileTailer(path: path)
        _ = first.poll(maximumLines: 1) { _, _ in }
        let checkpoint = first.checkpoint(at: Timestamp(secondsSinceEpoch: 0))
        try FileManager.default.moveItem(atPath: path, toPath: path + "-20260112")
        try append("new-1\n")
        let resumed = FileTailer(path: path, resumingFrom: checkpoint)
        #expect(drain(resumed).map(\.1) == ["2", "3", "new-1"])
    }

    @Test func aCheckpointOfAReplacedFileIsNotTrusted() throws {
        try append("alpha\nbeta\n")
        let first = FileTailer(path: path)
        _ = drain(first)
        let checkpoint = first.checkpoint(at: Timestamp(secondsSinceEpoch: 0))
        try FileManager.default.removeItem(atPath: path)
        try append("gamma\ndelta\nepsilon\n")
        #expect(drain(FileTailer(path: path, resumingFrom: checkpoint)).map(\.1) == ["gamma", "delta", "epsilon"])
    }

    @Test func anOverlongLineIsHandedOutTruncatedAndTheTailGoesOn() throws {
        try append(String(repeating: "x", count: 300) + "\nok\n")
        let tailer = FileTailer(path: path, maximumLineLength: 100, readSize: 64)
        let lines = drain(tailer)
        #expect(lines.count == 2)
        #expect(lines[0].1.count == 101)
        #expect(lines[1].1 == "ok")
    }

    @Test func finishHandsOutALastLineWithoutNewline() throws {
        try append("a\nb")
        let tailer = FileTailer(path: path)
        #expect(drain(tailer).map(\.1) == ["a"])
        var last: [String] = []
        tailer.finish { bytes, _ in last.append(String(decoding: bytes, as: UTF8.self)) }
        #expect(last == ["b"])
        #expect(tailer.offset == 3)
    }
}
