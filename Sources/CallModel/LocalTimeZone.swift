/// Turns a PBX's local wall-clock time into an instant.
///
/// The core cannot read the system's zone database (no Foundation), so the composition root hands in
/// a resolver backed by it; tests and UTC deployments use ``utc`` or ``fixed(offsetSeconds:)``.
/// A wall-clock time that falls in a DST gap or fold gets whatever offset the resolver returns;
/// PBXs that write local time are ambiguous there and nothing downstream can repair that.
package struct LocalTimeZone: Sendable {
    /// Seconds east of UTC in force at the given local wall-clock time.
    package let offsetSeconds: @Sendable (CivilDateTime) -> Int
    /// A name for logs and `check-config` (`UTC`, `+02:00`, `Europe/Helsinki`).
    package let name: String

    package init(name: String, offsetSeconds: @escaping @Sendable (CivilDateTime) -> Int) {
        self.name = name
        self.offsetSeconds = offsetSeconds
    }

    package static let utc = LocalTimeZone(name: "UTC") { _ in 0 }

    package static func fixed(offsetSeconds: Int) -> LocalTimeZone {
        let sign = offsetSeconds < 0 ? "-" : "+"
        let magnitude = abs(offsetSeconds)
        let hours = magnitude / 3_600
        let minutes = magnitude % 3_600 / 60
        let name = sign + (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
        return LocalTimeZone(name: name) { _ in offsetSeconds }
    }

    package func timestamp(for civil: CivilDateTime) -> Timestamp {
        civil.timestamp(utcOffsetSeconds: offsetSeconds(civil))
    }
}
