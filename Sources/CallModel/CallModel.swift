/// # CallModel
///
/// The vocabulary every other module speaks: one normalised ``CallEvent`` per thing a PBX told us,
/// E.164 numbers (``E164Number``), the caller's identity (``CallerIdentity``), detections and
/// block/redirect rules as plain values.
///
/// Single responsibility: values and pure conversions (number normalisation, civil time).
/// Allowed imports: none — not Foundation, not NIO. Everything here is `Sendable` and cheap to copy.
