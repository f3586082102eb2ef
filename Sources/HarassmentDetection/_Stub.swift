package import CallModel
package struct DetectionConfiguration: Sendable { package init() {} }
package struct HarassmentDetector {
    package init(configuration: DetectionConfiguration) {}
    package mutating func observe(_ event: CallEvent, isNewCall: Bool) -> [Detection] { [] }
    package mutating func tick(now: Timestamp) {}
    package var trackedKeyCount: Int { 0 }
}
