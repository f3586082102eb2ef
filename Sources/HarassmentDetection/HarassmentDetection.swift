/// # HarassmentDetection
///
/// Recognises harassment patterns in a stream of ``CallModel/CallEvent``s: a repeat caller, a
/// stalker who calls one employee over days, unidentified callers converging on one extension, and
/// number-hopping (many never-seen numbers making short calls to one personal extension).
///
/// Single responsibility: count calls exactly, per key, in sliding windows over event time, and turn
/// crossings into ``CallModel/Detection`` episodes with an escalation step. The entry point is
/// ``HarassmentDetector``; its thresholds live in ``DetectionConfiguration``.
///
/// Allowed imports: CallModel only. This runs on the hot path: no I/O, no Foundation, no locks, no
/// `await`, no logging; time is the events' own time (`tick(now:)` for eviction), so a replay gives
/// the same detections as the live run.
