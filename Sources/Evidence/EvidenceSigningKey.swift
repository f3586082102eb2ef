import Crypto
import Foundation
import Glibc

/// The Ed25519 key that signs every evidence bundle's manifest, kept in the state directory as a
/// PKCS#8 PEM file (`openssl pkey -in evidence-signing-key.pem -pubout` reads it too), mode 0600.
///
/// Made on first use (`callwarden serve` at start-up, or the first export or `evidence key`):
/// created with `O_EXCL`, so two processes starting at once end with one key. A key file that
/// group or others may read, or that is a link, is refused.
///
/// Deliberately not handled: rotation (a new key is a new file; bundles signed with the old one
/// still verify with the old public key, which the organisation keeps on record) and hardware
/// key storage.
package struct EvidenceSigningKey: Sendable {
    /// The key's file name in the state directory.
    package static let fileName = "evidence-signing-key.pem"

    /// The 32-byte private seed (kept as bytes: the Crypto key type is not `Sendable`).
    private let seed: [UInt8]
    private let publicKey: [UInt8]

    init(_ key: Curve25519.Signing.PrivateKey) {
        seed = Array(key.rawRepresentation)
        publicKey = Array(key.publicKey.rawRepresentation)
    }

    /// The public key in PEM (SubjectPublicKeyInfo): what `openssl pkeyutl -verify -pubin` takes.
    package var publicKeyPEM: String { EvidenceKeyPEM.publicKey(publicKey) }

    /// The SHA-256 of the public key's DER form, in hex (what `openssl pkey -pubin -in KEY -outform
    /// DER | sha256sum` prints): a short name to read out on the phone.
    package var fingerprint: String { EvidenceKeyPEM.fingerprint(publicKey) }

    /// A keyed hash of `text` (HMAC-SHA256 under a key derived from this private key, first 16
    /// bytes in hex): how the audit log names a phone number it must not keep in clear (an
    /// erasure), yet the same number always gets the same name on this installation, and without
    /// the key nobody can test guesses against it.
    package func pseudonym(_ text: String) -> String {
        let derived = SymmetricKey(data: SHA256.hash(data: Array("callwarden personal-data pseudonym\n".utf8) + seed))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: derived)
        return "hmac:" + mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// An Ed25519 signature (64 bytes) over `bytes`.
    package func sign(_ bytes: [UInt8]) throws(EvidenceError) -> [UInt8] {
        do {
            return Array(try Curve25519.Signing.PrivateKey(rawRepresentation: seed).signature(for: bytes))
        } catch {
            throw .unwritable(path: "signature", reason: "signing failed: \(error)")
        }
    }

    /// Reads the key at `path`, or makes one there (0600) when no file exists.
    ///
    /// - Throws: ``EvidenceError`` when the file is not a key, is readable by others, or cannot be
    ///   written.
    package static func loadOrCreate(at path: String) throws(EvidenceError) -> EvidenceSigningKey {
        if let existing = try load(at: path) { return existing }
        let key = Curve25519.Signing.PrivateKey()
        let pem = EvidenceKeyPEM.privateKey(key.rawRepresentation)
        do {
            try BundleFiles.write(Array(pem.utf8), to: path)
        } catch {
            // Another process made it first: use theirs.
            if let existing = try load(at: path) { return existing }
            throw error
        }
        return EvidenceSigningKey(key)
    }

    /// The key at `path`, or nil when there is no file.
    static func load(at path: String) throws(EvidenceError) -> EvidenceSigningKey? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return nil }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw .unreadable(path: path, reason: "not a regular file")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw .unreadable(path: path, reason: "readable or writable by group or others; chmod 600 it (and make a new key if others may have read it)")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        guard let seed = EvidenceKeyPEM.privateKeySeed(String(decoding: bytes, as: UTF8.self)),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        else { throw .unreadable(path: path, reason: "not an Ed25519 private key in PEM") }
        return EvidenceSigningKey(key)
    }
}

/// Ed25519 keys in the PEM forms OpenSSL reads: PKCS#8 for the private key, SubjectPublicKeyInfo
/// for the public key (both a fixed DER prefix before the 32 key bytes, RFC 8410).
package enum EvidenceKeyPEM {
    /// `SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING }` up to the key.
    static let publicPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
    /// `SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING } }` up to the seed.
    static let privatePrefix: [UInt8] = [
        0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]

    static func publicKey(_ raw: some DataProtocol) -> String {
        pem("PUBLIC KEY", publicPrefix + Array(raw))
    }

    static func privateKey(_ seed: some DataProtocol) -> String {
        pem("PRIVATE KEY", privatePrefix + Array(seed))
    }

    static func fingerprint(_ raw: some DataProtocol) -> String {
        SHA256.hash(data: publicPrefix + Array(raw)).map { String(format: "%02x", $0) }.joined()
    }

    /// The 32 raw bytes of an Ed25519 public key in PEM, or nil.
    package static func publicKeyBytes(_ text: String) -> [UInt8]? {
        der(text, label: "PUBLIC KEY", prefix: publicPrefix)
    }

    static func privateKeySeed(_ text: String) -> [UInt8]? {
        der(text, label: "PRIVATE KEY", prefix: privatePrefix)
    }

    private static func der(_ text: String, label: String, prefix: [UInt8]) -> [UInt8]? {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
        else { return nil }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else { return nil }
        let bytes = Array(data)
        guard bytes.count == prefix.count + 32, Array(bytes.prefix(prefix.count)) == prefix else { return nil }
        return Array(bytes.suffix(32))
    }

    private static func pem(_ label: String, _ der: [UInt8]) -> String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n"
    }
}
