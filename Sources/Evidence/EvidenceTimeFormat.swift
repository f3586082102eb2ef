package import CallModel
package import Foundation

/// How the evidence bundle writes times: UTC always, plus the organisation's local time, so that
/// an officer can match them with the employee's account and the operator's records.
package struct EvidenceTimeFormat: Sendable {
    package let timeZone: TimeZone

    package init(timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current) {
        self.timeZone = timeZone
    }

    /// `2024-01-15 14:30:22 UTC`.
    package func utc(_ time: Timestamp) -> String {
        format(time, zone: TimeZone(identifier: "UTC") ?? timeZone) + " UTC"
    }

    /// `2024-01-15 16:30:22 (Europe/Helsinki, UTC+02:00)`.
    package func local(_ time: Timestamp) -> String {
        let date = Self.date(time)
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3_600
        let minutes = abs(offset) % 3_600 / 60
        let text = sign + (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
        return format(time, zone: timeZone) + " (\(timeZone.identifier), UTC\(text))"
    }

    /// Local time first, UTC after: what a person reads.
    package func both(_ time: Timestamp) -> String {
        timeZone.identifier == "UTC" || timeZone.identifier == "GMT" ? utc(time) : local(time) + " = " + utc(time)
    }

    /// `1 min 05 s` for a span.
    package static func span(_ span: TimeSpan?) -> String {
        guard let span else { return "" }
        let seconds = max(span.seconds, 0)
        return seconds < 60 ? "\(seconds) s" : "\(seconds / 60) min \(seconds % 60 < 10 ? "0" : "")\(seconds % 60) s"
    }

    private func format(_ time: Timestamp, zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Self.date(time))
    }

    private static func date(_ time: Timestamp) -> Date {
        Date(timeIntervalSince1970: Double(time.microsecondsSinceEpoch) / 1_000_000)
    }
}
