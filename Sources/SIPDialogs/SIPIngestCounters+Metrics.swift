package import MetricsExposition
import PacketDecoding

extension SIPIngestCounters {
    /// The counters as `callwarden_sip_*` and `callwarden_packets_dropped_total` samples labelled
    /// `source` (`sip:capture`, `sip:hep`). Drops by reason appear once non-zero.
    package func collectMetrics(into collector: inout MetricsCollector, source: String) {
        let counters: [(name: String, help: String, value: UInt64)] = [
            ("callwarden_sip_frames_total", "Captured frames decoded (live capture).", packets.frames),
            ("callwarden_sip_payloads_total", "SIP payloads handed to the SIP parser.", payloads),
            ("callwarden_sip_hep_packets_total", "HEP packets found inside captured frames.", packets.hepPackets),
            ("callwarden_sip_messages_total", "SIP messages parsed and given to the dialog tracker.", UInt64(dialogs.messages)),
            ("callwarden_sip_retransmissions_total", "SIP retransmissions, counted once.", UInt64(dialogs.retransmissions)),
            (
                "callwarden_sip_copies_from_other_legs_total", "The same SIP message seen again on a proxy's other leg.",
                UInt64(dialogs.copiesFromOtherLegs)
            ),
            ("callwarden_sip_outside_calls_total", "SIP messages that belong to no INVITE dialog.", UInt64(dialogs.outsideCalls)),
            ("callwarden_sip_dialogs_started_total", "INVITE dialogs started.", UInt64(dialogs.dialogsStarted)),
            (
                "callwarden_sip_dialogs_timed_out_total", "Dialogs closed by a capture-time timeout (no final message seen).",
                UInt64(dialogs.dialogsTimedOut)
            ),
            (
                "callwarden_sip_dialogs_evicted_total", "Dialogs evicted because the dialog table was full.",
                UInt64(dialogs.dialogsEvicted)
            ),
            ("callwarden_sip_events_total", "Call events made from SIP.", events),
            (
                "callwarden_sip_truncated_bodies_total",
                "SIP messages kept with a body shorter than Content-Length (snaplen cut, truncated capture).", truncatedBodies
            ),
        ]
        for counter in counters {
            collector.counter(counter.name, help: counter.help, labels: ["source": source], value: counter.value)
        }
        collector.gauge(
            "callwarden_sip_dialogs_held", help: "Dialogs held now (open and recently finished).", labels: ["source": source],
            value: dialogsHeld)
        for (reason, count) in sipMalformed {
            collector.counter(
                "callwarden_sip_malformed_total",
                help: "SIP messages dropped because they did not parse or lacked Call-ID, CSeq or From, by reason.",
                labels: ["source": source, "reason": reason], value: count)
        }
        for (reason, count) in packets.nonZeroDrops {
            collector.counter(
                "callwarden_packets_dropped_total", help: Self.packetDropHelp,
                labels: ["source": source, "reason": reason.reasonName], value: count)
        }
    }

    private static let packetDropHelp =
        "Captured packets not decoded to SIP, by reason ("
        + PacketDropReason.allCases.filter { !isMalformed($0) }.map(\.reasonName).joined(separator: ", ")
        + " are ordinary other traffic; the rest are malformed, truncated or over a bound)."
}
