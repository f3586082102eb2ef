/// # SIPParsing
///
/// SIP message bytes in, a ``SIPMessage`` (start line, header index, body) or a typed
/// ``SIPParseError`` out; the caller's identity headers read into ``SIPIdentity`` and turned into a
/// ``CallModel/CallerIdentity`` in the precedence protocols.md §6.3 recommends.
///
/// Header values stay byte ranges into the message; only what the call model keeps becomes a
/// `String`. Every index is checked (the parsers read through `Span`, which traps rather than
/// reading out of bounds, and check lengths before reading so that it never has to).
///
/// Entry points: ``SIPMessage/init(bytes:)``, ``SIPStreamFramer`` (message boundaries in a TCP
/// stream), ``SIPIdentityReader`` and ``SIPCallerResolver``.
/// Allowed imports: `CallModel` only — no Foundation, this is the hot path.
