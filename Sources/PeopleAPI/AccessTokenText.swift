package import CallModel
package import CallwardenPorts
import Crypto

/// A person's API token as text: `cw_<lookup>_<secret>`, both parts lower-case hex, the lookup 8
/// random bytes (public: it finds the store's row) and the secret 32 random bytes (256 bits: only its
/// SHA-256 is stored). Printed once when made, never stored or logged.
///
/// Deliberately not handled: expiry (revoke instead) and scoping a token to addresses.
package struct AccessTokenText: Sendable {
    package var lookup: String
    package var secret: Secret

    /// A new token from the system's cryptographic random source (`getrandom`).
    package static func generate() -> AccessTokenText {
        var generator = SystemRandomNumberGenerator()
        let lookup = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return AccessTokenText(lookup: hex(lookup), secret: Secret(hex(secret)))
    }

    package init(lookup: String, secret: Secret) {
        self.lookup = lookup
        self.secret = secret
    }

    /// Reads `cw_<16 hex>_<64 hex>`; nil for anything else (no store read is made for it).
    package init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "cw", parts[1].utf8.count == 16, parts[2].utf8.count == 64,
            parts[1].utf8.allSatisfy(Self.isHexDigit), parts[2].utf8.allSatisfy(Self.isHexDigit)
        else { return nil }
        self.init(lookup: String(parts[1]), secret: Secret(String(parts[2])))
    }

    /// The whole token, to print once.
    package var text: String { "cw_" + lookup + "_" + secret.text }

    /// The SHA-256 of the secret part: what the store keeps.
    package var secretHash: [UInt8] { Array(SHA256.hash(data: secret.bytes)) }

    /// Whether this token is `stored`'s: the secret's hash compared in constant time; a revoked
    /// token never matches.
    package func matches(_ stored: StoredAccessToken) -> Bool {
        let same = SecretComparison.matches(secretHash, stored.secretHash)
        return same && stored.revokedAt == nil && stored.lookup == lookup
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// A token's name: 1–64 of `a-z A-Z 0-9 . _ -`, so that it reads the same in every log, table and page.
package enum AccessTokenName {
    package static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }
}

/// Makes a token and stores its hash: the one way tokens come to be (CLI and `POST /v1/tokens`).
package enum AccessTokenIssuer {
    /// Stores a new token named `name` with `role` (and its audit entry) and returns its text, which
    /// exists nowhere else afterwards.
    /// - Throws: ``AccessTokenError/nameTaken(_:)``, the store's errors.
    package static func issue(
        name: String, role: AccessRole, actor: String, at time: Timestamp, store: any AccessTokenStore
    ) throws -> AccessTokenText {
        let token = AccessTokenText.generate()
        try store.addToken(
            StoredAccessToken(
                name: name, role: role, lookup: token.lookup, secretHash: token.secretHash, createdAt: time, createdBy: actor),
            actor: actor)
        return token
    }
}
