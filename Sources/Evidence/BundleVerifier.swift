import Crypto
import Foundation

/// Checks an evidence bundle on its own, without the store: every file in `MANIFEST.sha256` has
/// that hash, no file is missing or unlisted, and `MANIFEST.sha256.sig` is a valid Ed25519
/// signature of the manifest by the key in `signing-key.pem` — and, when the caller names the
/// organisation's public key, that it is that key (a key shipped inside the bundle proves only
/// that the bundle is consistent, not who made it).
///
/// Deliberately not handled: trust in the key itself (the organisation hands its public key to the
/// police separately, `callwarden evidence key`).
package enum BundleVerifier {
    package struct Result: Hashable, Sendable {
        /// Files whose hash matches the manifest.
        package var intact: [String]
        /// One line per problem, in the order found; empty when the bundle is sound.
        package var problems: [String]
        /// The fingerprint of the key that signed the manifest (SHA-256 of its DER form).
        package var signerFingerprint: String?

        package var isSound: Bool { problems.isEmpty }
    }

    /// Checks the bundle at `directory`; `expectedPublicKeyPEM`: the key it must be signed with.
    package static func verify(_ directory: String, expectedPublicKeyPEM: String? = nil) -> Result {
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        var result = Result(intact: [], problems: [], signerFingerprint: nil)
        guard let manifest = FileManager.default.contents(atPath: root.appendingPathComponent(EvidenceExporter.manifestName).path)
        else {
            result.problems.append("\(EvidenceExporter.manifestName) is missing")
            return result
        }
        var listed: Set<String> = []
        for line in String(decoding: manifest, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64, parts[1].hasPrefix(" ") else {
                result.problems.append("\(EvidenceExporter.manifestName): a line is not in sha256sum form")
                continue
            }
            let name = String(parts[1].dropFirst())
            listed.insert(name)
            guard !name.hasPrefix("/"), !name.split(separator: "/").contains(".."),
                let (_, sha256) = try? FileHasher.hash(path: root.appendingPathComponent(name).path)
            else {
                result.problems.append("\(name): missing or unreadable")
                continue
            }
            if sha256 == parts[0] { result.intact.append(name) } else { result.problems.append("\(name): SHA-256 differs from the manifest") }
        }
        let unsigned: Set<String> = [EvidenceExporter.manifestName, EvidenceExporter.signatureName, EvidenceExporter.publicKeyName]
        for name in allFiles(under: root) where !listed.contains(name) && !unsigned.contains(name) {
            result.problems.append("\(name): not in the manifest")
        }
        guard let keyText = FileManager.default.contents(atPath: root.appendingPathComponent(EvidenceExporter.publicKeyName).path),
            let keyBytes = EvidenceKeyPEM.publicKeyBytes(String(decoding: keyText, as: UTF8.self)),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
        else {
            result.problems.append("\(EvidenceExporter.publicKeyName): missing or not an Ed25519 public key")
            return result
        }
        result.signerFingerprint = EvidenceKeyPEM.fingerprint(keyBytes)
        if let expected = expectedPublicKeyPEM {
            if EvidenceKeyPEM.publicKeyBytes(expected) != keyBytes {
                result.problems.append("the bundle is signed with another key (\(result.signerFingerprint ?? "")) than the one given")
            }
        }
        guard let signature = FileManager.default.contents(atPath: root.appendingPathComponent(EvidenceExporter.signatureName).path)
        else {
            result.problems.append("\(EvidenceExporter.signatureName) is missing: the manifest is not signed")
            return result
        }
        if !key.isValidSignature(signature, for: manifest) {
            result.problems.append("\(EvidenceExporter.signatureName): not a valid signature of \(EvidenceExporter.manifestName)")
        }
        return result
    }

    /// Every regular file under `root`, as paths relative to it, sorted.
    private static func allFiles(under root: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(name)
            }
        }
        return files.sorted()
    }
}
