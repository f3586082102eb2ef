/// # CDRParsing
///
/// Record decoders: one line of a PBX's call-detail-record file (or of Callwarden's own JSON event
/// stream) in, one ``CallModel/CallEvent`` or a typed ``CDRLineError`` out. Decoders work on UTF-8
/// bytes, know nothing about files, sockets or framing, and never trap on any byte sequence.
///
/// Entry points: ``CDRLineDecoder`` (decode lines), ``CDRFormatDetector`` (guess a file's format).
/// Allowed imports: `CallModel` only — no Foundation, this is the hot path.
