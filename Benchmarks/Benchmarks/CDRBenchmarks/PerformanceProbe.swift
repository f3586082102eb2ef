import CDRParsing
import CallModel
import CallwardenApp
import Foundation
import Logging

/// The entry points CDRBenchmarks measures, over the `package` API of CDRParsing and CallwardenApp.
enum PerformanceProbe {
    /// Decodes every line of an Asterisk Master.csv held in memory, as the tail does.
    /// - Returns: events decoded and lines rejected.
    static func decodeAsteriskCSV(_ bytes: [UInt8], countryCode: String = "GB") -> (events: Int, malformed: Int) {
        let configuration = CDRDecoderConfiguration(plan: NumberPlan.byCountry[countryCode] ?? .unitedKingdom, timeZone: .utc)
        var decoder = CDRLineDecoder(format: .asteriskCSV, configuration: configuration)
        var events = 0
        var malformed = 0
        bytes.withUnsafeBytes { buffer in
            var start = 0
            while start < buffer.count {
                let rest = UnsafeRawBufferPointer(rebasing: buffer[start...])
                let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.count
                do {
                    if try decoder.decode(UnsafeRawBufferPointer(rebasing: rest.prefix(end))) != nil { events += 1 }
                } catch {
                    malformed += 1
                }
                start += end + 1
            }
        }
        return (events, malformed)
    }

    /// Replays files as `callwarden replay --store PATH` does (a new SQLite store in a fresh
    /// temporary directory, removed afterwards): the store's work is part of what is measured.
    /// - Returns: events stored and detections found.
    static func replay(paths: [String], configurationPath: String) throws -> (events: Int, detections: Int) {
        let configuration = try CallwardenConfiguration.load(path: configurationPath)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callwarden-probe-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = try ReplayRunner(configuration: configuration, format: nil, logger: Logger(label: "benchmark"))
            .run(paths: paths, storeAt: directory.appendingPathComponent("callwarden.sqlite").path)
        return (report.events, report.detections.count)
    }
}
