import CallModel
import Evidence
import Foundation
import Incidents
import Logging
import SQLiteStore
import Testing

@Suite("Recording names, the directory watcher and evidence verify")
struct RecordingWatcherTests {
    @Test("FreePBX and uniqueid names give the call id; other names give none")
    func namePatterns() throws {
        let freepbx = try RecordingNamePattern("freepbx")
        #expect(freepbx.callID(inFileName: "in-0912345678-0401234567-20240115-143022-1705321822.42.wav") == "1705321822.42")
        #expect(freepbx.callID(inFileName: "out-1001-07700900123-20240115-143022-1705321822.43.WAV") == "1705321822.43")
        #expect(freepbx.callID(inFileName: "notes.txt") == nil)
        let uniqueid = try RecordingNamePattern("uniqueid")
        #expect(uniqueid.callID(inFileName: "1705321822.42.wav") == "1705321822.42")
        #expect(uniqueid.callID(inFileName: "rec-1705321822.42-part.gsm") == "1705321822.42")
        let custom = try RecordingNamePattern(#"^callid-(?<callid>[A-Za-z0-9@._-]+)\.opus$"#)
        #expect(custom.callID(inFileName: "callid-a84b4c76e66710@pc33.example.opus") == "a84b4c76e66710@pc33.example")
        #expect(throws: EvidenceError.self) { try RecordingNamePattern("(no-group)") }
        #expect(throws: EvidenceError.self) { try RecordingNamePattern("([unclosed") }
        #expect(freepbx.callID(inFileName: String(repeating: "-", count: 5_000)) == nil)
    }

    @Test("finished files are linked with size and SHA-256; files still growing wait; verify finds altered and missing")
    func watchAndVerify() throws {
        let directory = try EvidenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("callwarden.sqlite").path)
        defer { try? store.close() }
        let monitor = directory.appendingPathComponent("monitor").path
        let old = Date(timeIntervalSinceNow: -3_600)
        let finished = monitor + "/2023/11/14/in-1001-07700900123-20231114-221320-1700000000.11.wav"
        let growing = monitor + "/1700000600.12.wav"
        try EvidenceFixture.writeFile(finished, bytes: Array("RIFF fake audio one".utf8), modified: old)
        try EvidenceFixture.writeFile(growing, bytes: Array("RIFF growing".utf8), modified: Date())
        try EvidenceFixture.writeFile(monitor + "/readme.txt", bytes: [0x41], modified: old)

        let watcher = RecordingWatcher(
            directories: [RecordingDirectory(path: monitor, patterns: [try RecordingNamePattern("freepbx"), try RecordingNamePattern("uniqueid")])],
            store: store, settleTime: .seconds(30), logger: Logger(label: "test"))
        let now = Date()
        let first = watcher.scanOnce(now: now)
        #expect(first.linked.isEmpty)  // a file is taken only when its size held still for one scan
        #expect(first.unmatched == 1)
        let second = watcher.scanOnce(now: now)
        #expect(second.linked.map(\.callID) == ["1700000000.11"])
        #expect(second.waiting == 1)
        let recording = try #require(second.linked.first)
        #expect(recording.size == 19)
        #expect(recording.sha256 == FileHasher.hash(bytes: Array("RIFF fake audio one".utf8)))
        #expect(recording.location == finished)
        #expect(watcher.scanOnce(now: now.addingTimeInterval(60)).linked.map(\.callID) == ["1700000600.12"])
        #expect(watcher.scanOnce(now: now.addingTimeInterval(120)).linked.isEmpty)

        let all = try store.recordings(limit: 10)
        #expect(EvidenceVerifier.verify(all).map(\.status) == [.intact, .intact])
        try Data("RIFF tampered".utf8).write(to: URL(fileURLWithPath: finished))
        try FileManager.default.removeItem(atPath: growing)
        _ = try store.linkRecording(NewRecording(
            callID: "x", location: "https://recordings.example/x.wav", origin: .uri, size: nil, sha256: nil,
            recordedAt: nil, linkedAt: EvidenceFixture.time(0), actor: "api:test"))
        let findings = EvidenceVerifier.verify(try store.recordings(limit: 10))
        #expect(findings.map(\.status) == [.altered, .missing, .notCheckable])
        #expect(findings.first?.currentSHA256 == FileHasher.hash(bytes: Array("RIFF tampered".utf8)))
    }
}
