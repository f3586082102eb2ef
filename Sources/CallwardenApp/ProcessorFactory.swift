package import CallModel
package import CallPipeline
import HarassmentDetection

extension CallwardenConfiguration {
    /// A processor with this configuration's detector and response policy.
    package func makeProcessor() -> CallEventProcessor {
        CallEventProcessor(
            detector: HarassmentDetector(configuration: detection.detectorConfiguration),
            policy: ResponsePolicy(crisisLine: crisisLine.flatMap { plan.normalise($0).e164?.description ?? $0 }))
    }

    /// How far back the detector must look after a restart to continue every window exactly:
    /// the longest window or memory any rule uses.
    package var warmUpHorizon: TimeSpan {
        let d = detection
        return [d.repeatWindow, d.stalkingWindow, d.anonymousWindow, d.hoppingWindow + TimeSpan.days(7), d.hoppingMemory]
            .max() ?? .days(30)
    }
}
