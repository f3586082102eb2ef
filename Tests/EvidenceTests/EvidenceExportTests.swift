import CallModel
import Evidence
import Foundation
import Incidents
import SQLiteStore
import Testing

@Suite("Evidence export: the bundle a police officer reads")
struct EvidenceExportTests {
    /// An incident with calls, a detection, an MCID flag, a note and one linked recording.
    private func exportBundle() throws -> (bundle: EvidenceExporter.Bundle, root: URL, incidentID: Int64) {
        let root = try EvidenceFixture.temporaryDirectory()
        let store = try SQLiteStore(path: root.appendingPathComponent("callwarden.sqlite").path)
        defer { try? store.close() }
        let id = try EvidenceFixture.incident(in: store)
        try store.addNote(incidentID: id, actor: "alice", note: "Employee <b>informed</b> & supported", at: EvidenceFixture.time(1_000))
        let recordingPath = root.appendingPathComponent("monitor/in-1001-anonymous-20231114-222320-1700000600.12.wav").path
        try EvidenceFixture.writeFile(recordingPath, bytes: Array("RIFF evidence audio".utf8), modified: Date())
        let (size, sha256) = try FileHasher.hash(path: recordingPath)
        _ = try store.linkRecording(NewRecording(
            callID: "1700000600.12", location: recordingPath, origin: .file, size: size, sha256: sha256,
            recordedAt: EvidenceFixture.time(620), linkedAt: EvidenceFixture.time(800), actor: "recording-watcher"))
        let timeline = try #require(try store.timeline(incidentID: id))
        let exporter = EvidenceExporter(
            timeFormat: EvidenceTimeFormat(timeZone: try #require(TimeZone(identifier: "Europe/London"))))
        let out = root.appendingPathComponent("bundle").path
        let bundle = try exporter.export(timeline, to: out, now: Date(timeIntervalSince1970: 1_700_003_600))
        #expect(throws: EvidenceError.outputNotEmpty(out)) { try exporter.export(timeline, to: out) }
        return (bundle, root, id)
    }

    @Test("the bundle holds the reports, the copied recording and a manifest of every file's SHA-256")
    func bundleFiles() throws {
        let (bundle, root, _) = try exportBundle()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(bundle.files.keys.sorted() == ["README.txt", "recordings/1-in-1001-anonymous-20231114-222320-1700000600.12.wav", "report.html", "report.json"])
        #expect(bundle.recordings.map(\.status) == [.intact])
        let manifest = try String(contentsOfFile: bundle.directory + "/MANIFEST.sha256", encoding: .utf8)
        let lines = manifest.split(separator: "\n")
        #expect(lines.count == 4)
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1)
            let path = bundle.directory + "/" + parts[1].trimmingCharacters(in: .whitespaces)
            #expect(try FileHasher.hash(path: path).sha256 == String(parts[0]))
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle.directory + "/report.json"))) as? [String: Any]
        let calls = try #require(json?["calls"] as? [[String: Any]])
        #expect(calls.map { $0["caller_as_received"] as? String } == ["07700900123", "anonymous"])
        #expect(calls.last?["asserted_identity"] as? String == "+447700900123")
        let html = try String(contentsOfFile: bundle.directory + "/report.html", encoding: .utf8)
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("Employee &lt;b&gt;informed&lt;/b&gt; &amp; supported"))
    }

    @Test(
        "headless Chromium shows the incident's numbers, times, outcomes and notes as a person would read them",
        .enabled(if: Chromium.shouldRun, "needs Debian's chromium (scripts/install-evidence-test-packages)"))
    func chromiumRendersTheReport() throws {
        let (bundle, root, id) = try exportBundle()
        defer { try? FileManager.default.removeItem(at: root) }
        let text = try Chromium.renderedText(of: bundle.directory + "/report.html")
        #expect(text.contains("Incident \(id): Harassing calls"))
        #expect(text.contains("07700900123"))  // as received
        #expect(text.contains("+447700900123"))  // normalised and asserted
        #expect(text.contains("2023-11-14 22:13:20 UTC"))  // first call, UTC
        #expect(text.contains("2023-11-14 22:13:20 (Europe/London, UTC+00:00)"))  // and local
        #expect(text.contains("no-answer"))
        #expect(text.contains("said he knows where I live"))
        #expect(text.contains("Employee <b>informed</b> & supported"))  // shown as text, not markup
        #expect(text.contains("198.51.100.7:5060"))
        #expect(text.contains("intact (matches the checksum taken when it was found)"))
        #expect(!text.contains("ALTERED"))

        let screenshot = root.appendingPathComponent("report.png").path
        try Chromium.screenshot(of: bundle.directory + "/report.html", to: screenshot)
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }
}

/// Debian's chromium, headless, as root (hence --no-sandbox), with its own throw-away profile.
enum Chromium {
    /// Run when installed, and always under CI (`CI` set), where a missing chromium must fail.
    static var shouldRun: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// The text a person sees: the DOM as Chromium parsed it (`--dump-dom`), reduced to its text
    /// (entities decoded, so `&lt;b&gt;` reads as `<b>` the way the page shows it).
    /// The DOM as Chromium parsed it (`--dump-dom`), serialised.
    static func dom(of path: String) throws -> String {
        try run(["--dump-dom", "file://" + path])
    }

    static func renderedText(of path: String) throws -> String {
        let dom = try run(["--dump-dom", "file://" + path])
        return plainText(fromDOM: dom)
    }

    static func screenshot(of path: String, to output: String) throws {
        _ = try run(["--screenshot=" + output, "--window-size=1280,2000", "file://" + path])
    }

    private static func run(_ arguments: [String]) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("callwarden-chromium-" + UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=" + profile.path,
        ] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EvidenceError.unreadable(path: path(arguments), reason: "chromium exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func path(_ arguments: [String]) -> String { arguments.last ?? "" }

    /// Tags removed, `<br>` and cell and row ends turned into spaces and lines, entities decoded.
    static func plainText(fromDOM dom: String) -> String {
        var body = dom
        if let start = body.range(of: "<body") { body = String(body[start.lowerBound...]) }
        body = body.replacingOccurrences(of: "<br>", with: "\n")
        var text = ""
        var inTag = false
        var tag = ""
        for character in body {
            if inTag {
                if character == ">" {
                    inTag = false
                    if tag.hasPrefix("/td") || tag.hasPrefix("/th") { text += " | " }
                    if tag.hasPrefix("/tr") || tag.hasPrefix("/p") || tag.hasPrefix("/h") { text += "\n" }
                } else {
                    tag.append(character)
                }
            } else if character == "<" {
                inTag = true
                tag = ""
            } else {
                text.append(character)
            }
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }
}
