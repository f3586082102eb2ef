import CallModel
import Evidence
import Foundation
import Incidents
import SQLiteStore
import Testing

/// The bundle's files whatever the umask, the directories it refuses, and a recording swapped for
/// a symbolic link.
@Suite("Evidence bundle files: modes, owners, links", .serialized)
struct BundleFileSafetyTests {
    static func mode(_ path: String) -> mode_t {
        var status = stat()
        _ = lstat(path, &status)
        return status.st_mode & 0o777
    }

    /// An incident with one recording at `recordingPath`, its timeline.
    static func timeline(root: URL, recordingPath: String) throws -> IncidentTimeline {
        let store = try SQLiteStore(path: root.appendingPathComponent("callwarden.sqlite").path)
        defer { try? store.close() }
        let id = try EvidenceFixture.incident(in: store)
        try EvidenceFixture.writeFile(recordingPath, bytes: Array("RIFF evidence audio".utf8), modified: Date())
        let (size, sha256) = try FileHasher.hash(path: recordingPath)
        _ = try store.linkRecording(NewRecording(
            callID: "1700000600.12", location: recordingPath, origin: .file, size: size, sha256: sha256,
            recordedAt: EvidenceFixture.time(620), linkedAt: EvidenceFixture.time(800), actor: "recording-watcher"))
        return try #require(try store.timeline(incidentID: id))
    }

    @Test("with a permissive umask the bundle is still 0700 and every file 0600; so is the store")
    func modesIgnoreTheUmask() throws {
        let root = try EvidenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let previous = umask(0o002)
        defer { umask(previous) }
        let timeline = try Self.timeline(root: root, recordingPath: root.appendingPathComponent("monitor/1700000600.12.wav").path)
        let out = root.appendingPathComponent("new/bundle").path
        let bundle = try EvidenceExporter().export(timeline, to: out)
        #expect(Self.mode(out) == 0o700)
        #expect(Self.mode(out + "/recordings") == 0o700)
        #expect(bundle.files.count == 4)
        for file in bundle.files.keys.sorted() + ["MANIFEST.sha256"] {
            #expect(Self.mode(out + "/" + file) == 0o600, "\(file)")
        }
        let store = root.appendingPathComponent("callwarden.sqlite").path
        for file in [store, store + "-wal", store + "-shm"] where FileManager.default.fileExists(atPath: file) {
            #expect(Self.mode(file) == 0o600, "\(file)")
        }
    }

    @Test("an existing directory writable by others, a link, or another user's directory is refused")
    func unsafeDirectoriesAreRefused() throws {
        let root = try EvidenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let timeline = try Self.timeline(root: root, recordingPath: root.appendingPathComponent("monitor/1700000600.12.wav").path)
        let exporter = EvidenceExporter()

        let shared = root.appendingPathComponent("shared").path
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
        chmod(shared, 0o777)
        #expect(throws: EvidenceError.self) { try exporter.export(timeline, to: shared) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: shared).isEmpty)

        let link = root.appendingPathComponent("link").path
        let target = root.appendingPathComponent("target").path
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: EvidenceError.self) { try exporter.export(timeline, to: link) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)

        if geteuid() == 0 {
            let foreign = root.appendingPathComponent("foreign").path
            try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: false)
            chmod(foreign, 0o700)
            chown(foreign, 65_534, 65_534)
            #expect(throws: EvidenceError.self) { try exporter.export(timeline, to: foreign) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: foreign).isEmpty)
        }

        let own = root.appendingPathComponent("own").path
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: false)
        chmod(own, 0o755)
        _ = try exporter.export(timeline, to: own)
        #expect(Self.mode(own) == 0o700)
    }

    @Test("a recording swapped for a symbolic link is reported and not copied; the link's target never enters the bundle")
    func symlinkedRecordingIsNotFollowed() throws {
        let root = try EvidenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let recording = root.appendingPathComponent("monitor/1700000600.12.wav").path
        let timeline = try Self.timeline(root: root, recordingPath: recording)
        let secret = root.appendingPathComponent("private.txt").path
        try Array("not evidence: private data".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: secret)) }
        try FileManager.default.removeItem(atPath: recording)
        try FileManager.default.createSymbolicLink(atPath: recording, withDestinationPath: secret)

        let out = root.appendingPathComponent("bundle").path
        let bundle = try EvidenceExporter().export(timeline, to: out)
        #expect(bundle.recordings.map(\.status) == [.notRegularFile])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/recordings").isEmpty)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("REPLACED"))
        #expect(!html.contains("not evidence"))
    }
}
