package import SIPDialogs

extension CallwardenConfiguration {
    /// How SIP from captures, capture files and HEP is decoded and followed: this deployment's
    /// number plan, the `sip` section's trust policy and dialog bound, default timeouts.
    package var sipIngestConfiguration: SIPIngestConfiguration {
        var ingest = SIPIngestConfiguration(plan: plan, trust: sip.trust)
        ingest.tracker.maximumDialogs = max(1, sip.maximumDialogs)
        return ingest
    }

    /// Whether `serve` has SIP sources besides the CDR files.
    package var capturesSIP: Bool { capture != nil || hep != nil }
}
