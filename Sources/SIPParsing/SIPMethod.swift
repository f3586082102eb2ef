/// A SIP request method. Methods are case-sensitive tokens (RFC 3261 §7.1): `invite` is not
/// `INVITE` but an extension method, and lands in ``other``.
package enum SIPMethod: Hashable, Sendable {
    case invite, ack, bye, cancel, register, options, prack, update, info, subscribe, notify, refer
    case message, publish
    /// Any other token; its text is in the message at the range the start line or CSeq gives.
    case other

    /// Recognises a method token in `range` of `bytes`.
    init(_ bytes: Span<UInt8>, _ range: Range<Int>) {
        self = .other
        guard range.lowerBound >= 0, range.upperBound <= bytes.count, !range.isEmpty else { return }
        // `range` is inside the span (checked above), so its bytes are read unchecked.
        @inline(__always)
        func equals(_ literal: StaticString) -> Bool {
            guard range.count == literal.utf8CodeUnitCount else { return false }
            let pointer = literal.utf8Start
            for offset in 0..<range.count where bytes[unchecked: range.lowerBound &+ offset] != pointer[offset] {
                return false
            }
            return true
        }
        switch bytes[range.lowerBound] {
        case UInt8(ascii: "I"): self = equals("INVITE") ? .invite : equals("INFO") ? .info : .other
        case UInt8(ascii: "A"): self = equals("ACK") ? .ack : .other
        case UInt8(ascii: "B"): self = equals("BYE") ? .bye : .other
        case UInt8(ascii: "C"): self = equals("CANCEL") ? .cancel : .other
        case UInt8(ascii: "R"): self = equals("REGISTER") ? .register : equals("REFER") ? .refer : .other
        case UInt8(ascii: "O"): self = equals("OPTIONS") ? .options : .other
        case UInt8(ascii: "P"): self = equals("PRACK") ? .prack : equals("PUBLISH") ? .publish : .other
        case UInt8(ascii: "U"): self = equals("UPDATE") ? .update : .other
        case UInt8(ascii: "S"): self = equals("SUBSCRIBE") ? .subscribe : .other
        case UInt8(ascii: "N"): self = equals("NOTIFY") ? .notify : .other
        case UInt8(ascii: "M"): self = equals("MESSAGE") ? .message : .other
        default: break
        }
    }

    /// The method's token, `nil` for ``other``.
    package var name: String? {
        switch self {
        case .invite: "INVITE"
        case .ack: "ACK"
        case .bye: "BYE"
        case .cancel: "CANCEL"
        case .register: "REGISTER"
        case .options: "OPTIONS"
        case .prack: "PRACK"
        case .update: "UPDATE"
        case .info: "INFO"
        case .subscribe: "SUBSCRIBE"
        case .notify: "NOTIFY"
        case .refer: "REFER"
        case .message: "MESSAGE"
        case .publish: "PUBLISH"
        case .other: nil
        }
    }
}
