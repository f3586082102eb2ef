import CDRParsing
import CallModel
import CallPipeline
import CallwardenPorts
import Evidence
import Foundation
import Incidents
import SIPDialogs
import SIPParsing
import SQLiteStore
import Testing

/// Caller names a harasser controls, fed through the real decoders (an Asterisk CDR line, a SIP
/// INVITE's From display name, a pushed JSON event) into the store, an incident and an export:
/// in headless Chromium the report's elements are exactly the template's, and every name reads as
/// text. Escaping by `Character` let U+0605 before `<` through as markup; this fails if it returns.
@Suite("A caller's name never becomes markup in the evidence report")
struct HostileTextReportTests {
    static let caller = E164Number(e164: "+447700900123")!

    /// Prepended characters, combining marks, bidi controls, zero-width joiners, markup, quotes.
    static let names = [
        "\u{0605}<meta http-equiv=refresh content=\"0;url=https://attacker.example/\">",
        "\u{0605}<div style=\"position:fixed;top:0;left:0;width:100%;height:100%;background:#fff\">No offence</div>",
        "\u{0301}<img src=x onerror=alert(1)>",
        "Jose\u{0301}\u{0308} <b>bold</b> & 'quoted' \u{20DD}",
        "\u{202E}gnp.exe\u{202C} \u{2066}isolated\u{2069} zero\u{200D}width",
        "<style>*{display:none}</style><script>alert(1)</script>",
    ]
    /// Only JSON can carry NUL and control characters (escaped in the line).
    static let jsonOnlyNames = ["NUL\u{0000}in the middle\u{0007}\u{001B}[31m<i>red</i>"]

    static func time(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_700_000_000 + seconds) }

    static func asteriskLine(name: String, index: Int) -> String {
        let clid = "\"\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"\" <07700900123>"
        let start = 1_700_000_000 + index * 60
        let stamp = { (seconds: Int) -> String in
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
            return formatter.string(from: date)
        }
        return "\"\",\"07700900123\",\"1001\",\"from-trunk\",\"\(clid)\",\"PJSIP/trunk-\(index)\",\"PJSIP/1001-\(index)\","
            + "\"Dial\",\"PJSIP/1001,30\",\"\(stamp(start))\",\"\(stamp(start + 5))\",\"\(stamp(start + 35))\",35,30,"
            + "\"ANSWERED\",\"DOCUMENTATION\",\"1700000000.\(index)\""
    }

    static func jsonLine(name: String, index: Int) throws -> String {
        let object: [String: Any] = [
            "v": 1, "time": 1_700_010_000 + index * 60, "call_id": "pushed-\(index)", "phase": "started",
            "caller": "07700900123", "caller_name": name, "callee": "1001",
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func invite(name: String, index: Int) -> [UInt8] {
        let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let text = [
            "INVITE sip:1001@pbx.example SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-hostile-\(index)",
            "From: \"\(quoted)\" <sip:+447700900123@trunk.example;user=phone>;tag=from-\(index)",
            "To: <sip:1001@pbx.example>",
            "Call-ID: sip-hostile-\(index)@192.0.2.10",
            "CSeq: 1 INVITE",
            "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n"
        return Array(text.utf8)
    }

    /// Every path's events, decoded by the real decoders.
    static func decodedEvents() throws -> [CallEvent] {
        var events: [CallEvent] = []
        let configuration = CDRDecoderConfiguration(plan: .unitedKingdom)
        var asterisk = CDRLineDecoder(format: .asteriskCSV, configuration: configuration)
        var json = CDRLineDecoder(format: .jsonLines, configuration: configuration)
        for (index, name) in names.enumerated() {
            events.append(try #require(try asterisk.decode(asteriskLine(name: name, index: index))))
        }
        for (index, name) in (names + jsonOnlyNames).enumerated() {
            events.append(try #require(try json.decode(try jsonLine(name: name, index: index))))
        }
        var tracker = SIPDialogTracker(configuration: SIPDialogTrackerConfiguration(plan: .unitedKingdom))
        var sipEvents: [SIPDialogEvent] = []
        for (index, name) in names.enumerated() {
            let transport = SIPTransportInfo(
                source: SIPEndpoint(address: .ipv4(0xC000_020A), port: 5060),
                destination: SIPEndpoint(address: .ipv4(0xC000_0201), port: 5060), transport: .udp,
                time: time(20_000 + Int64(index) * 60))
            tracker.process(bytes: invite(name: name, index: index), transport: transport, into: &sipEvents)
        }
        events += sipEvents.map(\.event)
        return events
    }

    /// The exported incident, and the same timeline with every hostile text replaced by a plain one.
    static func exportBoth(in root: URL) throws -> (hostile: String, template: String, names: [String]) {
        let store = try SQLiteStore(path: root.appendingPathComponent("callwarden.sqlite").path)
        defer { try? store.close() }
        let events = try decodedEvents()
        let names = events.compactMap(\.caller.displayName)
        #expect(names.count == 3 * Self.names.count + Self.jsonOnlyNames.count, "every path kept its caller name")
        var batch = IngestBatch()
        batch.events = events
        batch.detections = [Detection(
            kind: .repeatCaller, caller: caller, callers: [caller], target: "1001", calls: events.count, first: time(0),
            last: time(30_000), action: .alert, offence: 1, callIDs: events.map(\.callID))]
        try store.commit(batch)
        let hostile = names[0]
        let outcome = try store.flagMaliciousCall(
            MCIDRequest(
                call: .callID(events[0].callID), kind: .harassment, actor: "ext:1001", note: hostile, time: time(40_000),
                sourceAddress: "198.51.100.7:5060",
                sipHeaders: [Incidents.SIPHeaderField(name: "From", value: "\"\(names[1])\" <sip:+447700900123@carrier.example>")]),
            crisisLine: nil)
        try store.addNote(incidentID: outcome.incident.id, actor: names[4], note: names[2], at: time(41_000))
        _ = try store.linkRecording(NewRecording(
            callID: events[1].callID, location: "https://recordings.example/" + names[3], origin: .uri, size: nil,
            sha256: nil, recordedAt: nil, linkedAt: time(42_000), actor: "api:alice"))
        let timeline = try #require(try store.timeline(incidentID: outcome.incident.id))

        var plain = timeline
        for index in plain.calls.indices where plain.calls[index].caller.displayName != nil {
            plain.calls[index].caller.displayName = "Caller name"
        }
        for index in plain.flags.indices {
            plain.flags[index].note = "A note"
            plain.flags[index].sipHeaders = plain.flags[index].sipHeaders.map { Incidents.SIPHeaderField(name: $0.name, value: "Plain header") }
            plain.flags[index].call?.caller.displayName = "Caller name"
        }
        for index in plain.log.indices where names.contains(plain.log[index].note) || names.contains(plain.log[index].actor) {
            plain.log[index].note = "A note"
            plain.log[index].actor = "someone"
        }
        for index in plain.recordings.indices { plain.recordings[index].location = "https://recordings.example/plain" }

        let exporter = EvidenceExporter(timeFormat: EvidenceTimeFormat(timeZone: try #require(TimeZone(identifier: "UTC"))))
        let now = Date(timeIntervalSince1970: 1_700_100_000)
        let hostileBundle = try exporter.export(timeline, to: root.appendingPathComponent("hostile").path, now: now)
        let plainBundle = try exporter.export(plain, to: root.appendingPathComponent("plain").path, now: now)
        // What the store kept is what the report must show as text. (SQLite's text binding ends a
        // string at NUL, so the NUL name is stored cut there; see the inert-text unit tests for NUL.)
        let stored = timeline.calls.compactMap(\.caller.displayName) + timeline.log.map(\.note) + timeline.log.map(\.actor)
        return (hostileBundle.directory + "/report.html", plainBundle.directory + "/report.html", stored)
    }

    @Test(
        "through CDR, SIP and pushed events, hostile names leave Chromium's element tree as the template's and read as text",
        .enabled(if: Chromium.shouldRun, "needs Debian's chromium (scripts/install-evidence-test-packages)"))
    func chromiumShowsNamesAsText() throws {
        let root = try EvidenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (hostile, template, names) = try Self.exportBoth(in: root)
        let hostileDOM = try Chromium.dom(of: hostile)
        let templateDOM = try Chromium.dom(of: template)
        let hostileTags = DOMText.tags(hostileDOM)
        #expect(hostileTags.count > 100)
        #expect(hostileTags == DOMText.tags(templateDOM))
        #expect(!hostileTags.contains { $0.hasPrefix("<meta http-equiv=\"refresh") || $0.contains("style=") || $0.hasPrefix("<img") })
        let text = DOMText.text(hostileDOM)
        for name in Set(names) {
            let shown = Array(DOMText.shown(name).utf8)
            #expect(DOMText.contains(text, shown), "\(InertText.line(name)) shows as text")
        }
    }

    @Test("the HTML escapes by Unicode scalar: a prepended or combining character does not hide a '<'")
    func escapingIsByScalar() throws {
        #expect(InertText.html("\u{0605}<b>") == "\\u{0605}&lt;b&gt;")
        #expect(InertText.html("\u{0301}\"'&") == "\u{0301}&quot;&#39;&amp;")
        #expect(InertText.html("a\u{0000}b\u{202E}c\r\n") == "a\\u{0000}b\\u{202E}c\\u{000D}\n")
        let root = try EvidenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let html = try String(contentsOfFile: try Self.exportBoth(in: root).hostile, encoding: .utf8)
        #expect(!html.unicodeScalars.contains { $0 == "\u{0605}" || $0 == "\u{202E}" || $0 == "\u{0000}" })
        #expect(html.contains("style-src 'sha256-"))
        #expect(!html.contains("unsafe-inline"))
        #expect(!html.contains("<meta http-equiv=refresh"))
    }
}

/// Reading Chromium's serialised DOM by Unicode scalar (a combining mark after `>` must not glue
/// the tag's end to the text, as `Character` iteration would).
enum DOMText {
    /// Every tag (`<td>`, `</td>`, `<meta ...>`) of the body and head, in order.
    static func tags(_ dom: String) -> [String] {
        var tags: [String] = []
        var current: String.UnicodeScalarView?
        for scalar in dom.unicodeScalars {
            if current != nil {
                current?.append(scalar)
                if scalar == ">" {
                    tags.append(String(current!))
                    current = nil
                }
            } else if scalar == "<" {
                current = String.UnicodeScalarView()
                current?.append(scalar)
            }
        }
        return tags
    }

    /// The body's text, tags removed, entities decoded, as UTF-8.
    static func text(_ dom: String) -> [UInt8] {
        var result = String.UnicodeScalarView()
        var inTag = false
        var body = dom.unicodeScalars[...]
        if let start = dom.range(of: "<body") { body = dom.unicodeScalars[start.lowerBound...] }
        for scalar in body {
            if inTag {
                if scalar == ">" {
                    inTag = false
                    result.append(" ")
                }
            } else if scalar == "<" {
                inTag = true
            } else {
                result.append(scalar)
            }
        }
        let decoded = String(result).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&nbsp;", with: "\u{00A0}").replacingOccurrences(of: "&amp;", with: "&")
        return Array(decoded.utf8)
    }

    /// What a reader sees of `text`: control and format characters as `\u{XXXX}`, the rest as is.
    static func shown(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if InertText.isHidden(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u{" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
