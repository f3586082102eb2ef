/// # SIPDialogs
///
/// SIP messages in, ``CallModel/CallEvent``s out: ``SIPDialogTracker`` follows each INVITE
/// dialog (keyed by Call-ID and From-tag) through ringing, answer, hang-up, cancel or failure,
/// counts retransmissions and the copies a proxy's second leg shows once, closes dialogs that go
/// quiet (driven by capture time through `tick(now:)`), and holds at most a configured number of
/// dialogs.
///
/// No I/O, no locks, no logging, no clock: the caller hands in messages with their capture time.
/// Allowed imports: `CallModel`, `SIPParsing`.
