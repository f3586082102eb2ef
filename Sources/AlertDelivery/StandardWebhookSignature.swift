import CallModel
import Crypto
import Foundation

/// Signs and verifies webhooks the Standard Webhooks way: HMAC-SHA256 over
/// `webhook-id + "." + webhook-timestamp + "." + body`, sent as `webhook-signature: v1,<base64>`.
///
/// The secret is written `whsec_<base64>` (the form receivers hand out); anything else is taken
/// as raw UTF-8 bytes. Deliberately not handled: asymmetric `v1a` signatures and secret rotation
/// (several signatures in one header are accepted by ``verify``, but only one is produced).
package struct StandardWebhookSignature: Sendable {
    /// The secret's bytes (a `SymmetricKey` is made per use: it is not `Sendable`); a ``Secret``
    /// so that a sink holding it never prints it (Service Lifecycle logs services at debug).
    private let secret: Secret

    /// The secret in `whsec_<base64>` form or as raw text; nil when it is empty or bad base64.
    package init?(secret text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("whsec_") {
            guard let bytes = Data(base64Encoded: String(trimmed.dropFirst(6))), !bytes.isEmpty else { return nil }
            secret = Secret(bytes: Array(bytes))
        } else {
            guard !trimmed.isEmpty else { return nil }
            secret = Secret(trimmed)
        }
    }

    /// `v1,<base64 HMAC-SHA256>` of `id.timestamp.body`.
    package func signature(id: String, timestamp: Int64, body: [UInt8]) -> String {
        "v1," + Data(mac(id: id, timestamp: timestamp, body: body)).base64EncodedString()
    }

    /// Whether `header` (one or more space-separated `v1,<base64>`) holds a valid signature of
    /// the message, compared in constant time, and `timestamp` is within `tolerance` seconds of `now`.
    package func verify(
        id: String, timestamp: Int64, body: [UInt8], header: String, now: Int64, tolerance: Int64 = 300
    ) -> Bool {
        guard abs(now - timestamp) <= tolerance else { return false }
        let signed = "\(id).\(timestamp)."
        let message = Array(signed.utf8) + body
        for candidate in header.split(separator: " ") {
            let parts = candidate.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let expected = Data(base64Encoded: String(parts[1])) else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: message, using: SymmetricKey(data: secret.bytes)) {
                return true
            }
        }
        return false
    }

    private func mac(id: String, timestamp: Int64, body: [UInt8]) -> HMAC<SHA256>.MAC {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: secret.bytes))
        hmac.update(data: Array("\(id).\(timestamp).".utf8))
        hmac.update(data: body)
        return hmac.finalize()
    }
}
