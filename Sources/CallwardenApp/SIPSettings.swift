package import SIPParsing

/// The `sip` section: how SIP from `capture` and `hep` is read.
///
/// Keys:
/// - `trusted_sources`: IP addresses (the deployment's own trunks and proxies) whose
///   P-Asserted-Identity, Remote-Party-ID and `verstat` are believed (RFC 3325 trust domain).
///   Absent: every source is trusted (a sensor that sees only its own trunks); an empty list: none.
/// - `max_dialogs` [`50000`]: dialogs followed at once per source; at the limit the oldest is closed
///   early and counted (`sip.dialogs.evicted`).
///
/// Deliberately not handled: trust by network prefix (list each trunk's address) and the dialog
/// timeouts (the RFC 3261 defaults of `SIPDialogTrackerConfiguration` apply).
package struct SIPSettings: Sendable, Hashable {
    package var trust = SIPTrustPolicy.trustAll
    package var maximumDialogs = 50_000

    static func read(_ node: ConfigNode) -> SIPSettings {
        var settings = SIPSettings()
        if let sources = node.stringList("trusted_sources") {
            var addresses: Set<SIPAddress> = []
            for (index, text) in sources.enumerated() {
                if let address = IPLiteral.parse(text) {
                    addresses.insert(address)
                } else {
                    node.fail("trusted_sources", "entry \(index + 1), \"\(text)\", is not an IPv4 or IPv6 address")
                }
            }
            settings.trust = addresses.isEmpty ? .trustNone : .trustedSources(addresses)
        }
        settings.maximumDialogs = node.int("max_dialogs", default: settings.maximumDialogs, range: 1...10_000_000)
        return settings
    }
}
