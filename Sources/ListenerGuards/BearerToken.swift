/// The token of an HTTP `Authorization: Bearer <token>` header, for a check with
/// `CallModel.Secret.matches` (constant time). The scheme is matched case-insensitively (RFC 9110);
/// the token's bytes are not interpreted.
///
/// Deliberately not handled: other schemes (Basic), several tokens in one header.
package enum BearerToken {
    /// The token's bytes, or nil when `header` is absent or not a Bearer header.
    package static func presented(in header: String?) -> [UInt8]? {
        guard let header else { return nil }
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count else { return nil }
        for index in 0..<scheme.count where bytes[index] | 0x20 != scheme[index] {
            return nil
        }
        var token = bytes[scheme.count...]
        while let first = token.first, first == UInt8(ascii: " ") { token = token.dropFirst() }
        while let last = token.last, last == UInt8(ascii: " ") { token = token.dropLast() }
        return token.isEmpty ? nil : Array(token)
    }
}
