/// # PacketDecoding
///
/// Captured bytes in, SIP payloads out: link layers (Ethernet with 802.1Q/QinQ, Linux cooked SLL
/// and SLL2, raw IPv4/IPv6, BSD loopback), IPv4 and IPv6 (extension headers, bounded fragment
/// reassembly), UDP, TCP with bounded per-flow reassembly and SIP framing by Content-Length, SCTP
/// DATA chunks, GRE/ERSPAN tunnels, SIP over WebSocket, and HEPv2/HEPv3 encapsulation.
///
/// Entry points: ``PacketDecoder`` (frames → ``SIPPayload``s), ``HEPDecoder`` (one HEP packet →
/// ``HEPPacket``). SIP message boundaries in a stream and the start-line sniffing that tells SIP
/// from other traffic are SIPParsing's (`SIPStreamFramer`, `SIPStartLine.classify`): one way of
/// reading SIP bytes.
///
/// Single responsibility: decoding. Nothing here knows files, sockets, threads or clocks: time is
/// the capture time handed in with each frame. Every length is checked before it is used; a
/// malformed packet is a counted drop (``PacketDropReason``), never a trap.
/// Allowed imports: `CallModel`, `SIPParsing` (pure, like this module).
