import CDRParsing
import CallModel
import CallPipeline
import CallwardenPorts
import Logging

/// The few entry points the separate Benchmarks package measures. Public (the only public API
/// in Callwarden) because `package` access does not cross packages; primitive types only, so the
/// benchmarks depend on nothing else. Not for any other use.
public enum PerformanceProbe {
    /// Decodes every line of an Asterisk Master.csv held in memory, as the tail does.
    /// - Returns: events decoded and lines rejected.
    public static func decodeAsteriskCSV(_ bytes: [UInt8], countryCode: String = "GB") -> (events: Int, malformed: Int) {
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

    /// Replays files exactly as `callwarden replay` does (temporary SQLite store, persistence on).
    /// - Returns: events stored and detections found.
    public static func replay(paths: [String], configurationPath: String) throws -> (events: Int, detections: Int) {
        let configuration = try CallwardenConfiguration.load(path: configurationPath)
        let report = try ReplayRunner(configuration: configuration, format: nil, logger: Logger(label: "benchmark"))
            .run(paths: paths)
        return (report.events, report.detections.count)
    }
}
