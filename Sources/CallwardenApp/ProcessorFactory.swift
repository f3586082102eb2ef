package import CallModel
package import CallPipeline
package import CallwardenPorts
import HarassmentDetection

extension CallwardenConfiguration {
    /// A processor with this configuration's detector and response policy.
    package func makeProcessor() -> CallEventProcessor {
        CallEventProcessor(
            detector: HarassmentDetector(configuration: detection.detectorConfiguration(timeZone: timeZone)),
            policy: ResponsePolicy(crisisLine: crisisLine.flatMap { plan.normalise($0).e164?.description ?? $0 }))
    }

    /// How far back the detector is fed after a restart: the longest counting window (stalking's
    /// week, or number-hopping's window plus the week its baseline looks at).
    ///
    /// Deliberately shorter than `reoffence_memory` and `number_hopping.memory` (30 days): replaying
    /// a month of calls at every start costs memory and time on a busy PBX. After a restart, an
    /// offence or a "seen" number older than this horizon is therefore forgotten; blocks already
    /// issued stay in force because they are rules in the store.
    package var warmUpHorizon: TimeSpan {
        let d = detection
        return [d.repeatWindow, d.stalkingWindow, d.anonymousWindow, d.hoppingWindow + TimeSpan.days(7)].max() ?? .days(8)
    }
}
