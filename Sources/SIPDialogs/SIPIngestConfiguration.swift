package import CallModel
package import PacketDecoding
package import SIPParsing

/// How one ``SIPIngestPipeline`` decodes packets and follows dialogs. Deliberately not here: where
/// the packets come from (interface, filter, listener: the adapter's business).
package struct SIPIngestConfiguration: Sendable {
    /// Reassembly bounds and HEP handling for captured frames (unused for HEP payloads).
    package var decoder: PacketDecoderConfiguration
    /// Number plan, trust policy, timeouts and the dialog bound.
    package var tracker: SIPDialogTrackerConfiguration

    package init(decoder: PacketDecoderConfiguration = .init(), tracker: SIPDialogTrackerConfiguration) {
        self.decoder = decoder
        self.tracker = tracker
    }

    /// The defaults for a deployment numbering with `plan`, believing asserted identities from
    /// `trust`.
    package init(plan: NumberPlan, trust: SIPTrustPolicy = .trustAll) {
        self.init(tracker: SIPDialogTrackerConfiguration(plan: plan, trust: trust))
    }
}
