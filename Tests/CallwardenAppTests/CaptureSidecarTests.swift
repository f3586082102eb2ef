import CDRParsing
import CallModel
import CallwardenApp
import Foundation
import Logging
import Testing

/// Every file in Captures/ that has a `NAME.expected.json` sidecar is replayed through the real
/// pipeline (temporary SQLite store) and compared with it: counts exactly, detections by kind,
/// caller(s), target and action (and `calls` where the sidecar gives it).
struct CaptureSidecarTests {
    struct Capture: CustomTestStringConvertible, Sendable {
        var capturePath: String
        var sidecarPath: String
        var testDescription: String { String(capturePath.dropFirst(TestSupport.packageRoot.count + 1)) }
    }

    static let captures: [Capture] = {
        let root = TestSupport.packageRoot + "/Captures"
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [Capture] = []
        for case let relative as String in enumerator where relative.hasSuffix(".expected.json") {
            let sidecar = root + "/" + relative
            let base = String(sidecar.dropLast(".expected.json".count))
            let directory = (base as NSString).deletingLastPathComponent
            let name = (base as NSString).lastPathComponent
            let siblings = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            if let capture = siblings.first(where: {
                $0.hasPrefix(name + ".") && !$0.hasSuffix(".expected.json") && !$0.hasSuffix(".md")
            }) {
                found.append(Capture(capturePath: directory + "/" + capture, sidecarPath: sidecar))
            }
        }
        return found.sorted { $0.capturePath < $1.capturePath }
    }()

    @Test func capturesAreThere() {
        #expect(Self.captures.count >= 3, "Captures/ must hold CDR captures with sidecars")
    }

    @Test(arguments: captures)
    func replayMatchesTheSidecar(_ capture: Capture) throws {
        let sidecarData = try Data(contentsOf: URL(fileURLWithPath: capture.sidecarPath))
        let sidecar = try #require(try JSONSerialization.jsonObject(with: sidecarData) as? [String: Any])
        let configPath = TestSupport.packageRoot + "/" + (sidecar["config"] as? String ?? "Config/callwarden.yaml")
        let configuration = try CallwardenConfiguration.load(path: configPath)
        let format = (sidecar["format"] as? String).flatMap(CDRFormat.init(rawValue:))
        let report = try ReplayRunner(configuration: configuration, format: format, logger: Logger(label: "test"))
            .run(paths: [capture.capturePath])

        #expect(report.events == sidecar["events"] as? Int)
        #expect(report.calls == sidecar["calls"] as? Int)
        #expect(report.malformed == sidecar["malformed"] as? Int)

        let expected = (sidecar["detections"] as? [[String: Any]] ?? []).map(Self.summary(expected:)).sorted()
        let actual = report.detections.map { detection -> String in
            Self.summary(
                kind: detection.kind.rawValue, caller: detection.caller?.description,
                callers: detection.callers.map(\.description), target: detection.target, action: detection.action.rawValue)
        }.sorted()
        #expect(actual == expected)

        for entry in sidecar["detections"] as? [[String: Any]] ?? [] {
            guard let calls = entry["calls"] as? Int else { continue }
            let match = report.detections.first {
                $0.kind.rawValue == entry["kind"] as? String && $0.target == entry["target"] as? String
                    && $0.caller?.description == entry["caller"] as? String
            }
            #expect(match?.calls == calls, "calls of \(entry)")
        }
    }

    static func summary(expected entry: [String: Any]) -> String {
        summary(
            kind: entry["kind"] as? String ?? "?", caller: entry["caller"] as? String,
            callers: entry["callers"] as? [String] ?? [], target: entry["target"] as? String ?? "?",
            action: entry["action"] as? String ?? "?")
    }

    static func summary(kind: String, caller: String?, callers: [String], target: String, action: String) -> String {
        "\(kind) caller=\(caller ?? "null") callers=\(callers.sorted()) target=\(target) action=\(action)"
    }
}
