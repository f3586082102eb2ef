/// # SIPDialogs
///
/// SIP messages in, ``CallModel/CallEvent``s out: ``SIPDialogTracker`` follows each INVITE
/// dialog (keyed by Call-ID and From-tag) through ringing, answer, hang-up, cancel or failure,
/// counts retransmissions and the copies a proxy's second leg shows once, closes dialogs that go
/// quiet (driven by capture time through `tick(now:)`), and holds at most a configured number of
/// dialogs.
///
/// ``SIPIngestPipeline`` joins the packet path to the tracker: captured frames or HEP payloads
/// (``PacketDecoding/SIPPayload``) → ``SIPParsing/SIPTransportInfo`` → parsed
/// ``SIPParsing/SIPMessage`` → tracker → call events, with the counters an operator needs
/// (``SIPIngestCounters``: frames, SIP messages, malformed drops by reason, truncated bodies,
/// dialogs, evictions) and ``SIPDropSampler``, which says when one summary line about drops is due.
///
/// No I/O, no locks, no logging, no clock: the caller (a capture thread, a HEP listener, or
/// `replay`) owns one pipeline per source, feeds it in capture order and hands it the time.
/// Allowed imports: `CallModel`, `SIPParsing`, `PacketDecoding`, `MetricsExposition`.
