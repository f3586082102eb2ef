/// ListenerGuards: what every listener (decision HTTP, FastAGI, push, HEP over TCP, and any API
/// listener) holds its connections to, so that one hostile host cannot take the daemon's memory or
/// every slot:
///
/// - ``SourceSlots``: at most N connections open, at most M of them from one source address.
/// - ``ConnectionGuardHandler`` (SwiftNIO, first in a connection's pipeline): claims the slot,
///   closes a connection whose unsent output passes a bound (a client that never reads its
///   answers), and one whose request is not answered within a deadline from its first byte.
/// - ``ListenerGuardCounters``: every refusal and close counted (`callwarden_listener_*`), and
///   when a sampled warning is due (never one line per event).
/// - ``ListenerAddress``: loopback or not, the source key of a peer.
/// - ``BearerToken``: the token of an `Authorization: Bearer` header (compared with
///   `CallModel.Secret.matches`, constant time).
///
/// Deliberately not handled: TLS, and limits by network prefix (one address, one source).
enum ListenerGuardsModule {}
