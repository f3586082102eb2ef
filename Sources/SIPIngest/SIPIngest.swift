/// # SIPIngest
///
/// Joins the packet path to the call model: captured frames or HEP payloads
/// (``PacketDecoding/SIPPayload``) → ``SIPParsing/SIPTransportInfo`` → parsed
/// ``SIPParsing/SIPMessage`` → ``SIPDialogs/SIPDialogTracker`` → ``CallModel/CallEvent``s, with
/// the counters an operator needs (frames, SIP messages, malformed drops by reason, dialogs,
/// evictions) and a sampler that says when one summary line about drops is due.
///
/// Pure like the modules it joins: no I/O, no locks, no logging, no clock. The caller (the
/// `CaptureIngest` adapter, or `replay`) owns one ``SIPIngestPipeline`` per source, feeds it in
/// capture order and hands it the time. Allowed imports: `CallModel`, `PacketDecoding`,
/// `SIPParsing`, `SIPDialogs`.
import CallModel
