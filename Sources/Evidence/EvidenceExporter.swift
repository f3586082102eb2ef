package import CallModel
package import Foundation
package import Incidents
package import SystemClock

/// Writes the evidence bundle of one incident into a new directory, readable without Callwarden:
///
/// - `report.html`: the readable report (self-contained: inline style, no scripts, no links out);
/// - `report.json`: the same content for tools;
/// - `recordings/`: copies of the linked recording files, each re-hashed and compared with the
///   SHA-256 stored when it was linked;
/// - `README.txt`: what the files are and how to check them;
/// - `CHAIN.txt`: the store's evidence chain (length and head hash) at export, when known;
/// - `MANIFEST.sha256`: the SHA-256 of every other file, in `sha256sum -c` form;
/// - `MANIFEST.sha256.sig` and `signing-key.pem`: an Ed25519 signature of the manifest and the
///   public key that checks it (`openssl pkeyutl -verify`), when a ``signingKey`` is given.
///
/// Numbers are complete: the bundle is for the police. Directory 0700, files 0600, recordings
/// copied only when they are still regular files (see ``BundleFiles``). Deliberately not handled: PDF (print the
/// HTML from a browser), and fetching external recording URIs (listed, not copied).
package struct EvidenceExporter: Sendable {
    package var timeFormat: EvidenceTimeFormat
    /// Named in the report (`Callwarden on pbx-gw-1`).
    package var generator: String
    /// Processing time: the bundle's "generated at" when ``export(_:to:now:chain:)`` is given none.
    package var clock: WallClock
    /// Signs the manifest; nil: the bundle is not signed.
    package var signingKey: EvidenceSigningKey?

    /// The manifest's file name.
    package static let manifestName = "MANIFEST.sha256"
    /// The detached signature of the manifest (64 raw bytes, Ed25519).
    package static let signatureName = "MANIFEST.sha256.sig"
    /// The public key that checks the signature (PEM).
    package static let publicKeyName = "signing-key.pem"

    package init(
        timeFormat: EvidenceTimeFormat = EvidenceTimeFormat(), generator: String = "Callwarden",
        signingKey: EvidenceSigningKey? = nil, clock: WallClock = .system
    ) {
        self.timeFormat = timeFormat
        self.generator = generator
        self.signingKey = signingKey
        self.clock = clock
    }

    /// What happened to one recording in the export.
    package struct ExportedRecording: Hashable, Sendable {
        package var recording: RecordingEvidence
        /// Path inside the bundle (`recordings/3-in-....wav`); nil when not copied.
        package var bundlePath: String?
        package var sha256InBundle: String?
        package var status: Status

        package enum Status: String, Hashable, Sendable {
            /// Copied; its hash equals the one stored at linking.
            case intact
            /// Copied, but its hash differs from the one stored at linking: changed since.
            case altered
            case missing
            /// An external URI: listed, not copied.
            case external
            /// Not a regular file any more (swapped for a symbolic link, a FIFO, a device): not
            /// followed, not copied.
            case notRegularFile = "not-a-regular-file"
        }
    }

    /// The bundle written: every file with its SHA-256 (relative paths, sorted), and the recordings.
    package struct Bundle: Hashable, Sendable {
        package var directory: String
        package var files: [String: String]
        package var recordings: [ExportedRecording]
    }

    /// Exports `timeline` into `directory`: created 0700, or an existing empty directory of this
    /// user that no one else may write to (``BundleFiles``); every file 0600.
    /// - Throws: ``EvidenceError`` when the directory is not empty or not safe, or a file cannot
    ///   be written.
    /// `chain`: the store's evidence chain at export (entries, head hash), written to `CHAIN.txt`
    /// so that the signature also fixes the chain up to that point.
    package func export(
        _ timeline: IncidentTimeline, to directory: String, now: Date? = nil, chain: (entries: Int64, head: String?)? = nil
    ) throws(EvidenceError) -> Bundle {
        try BundleFiles.prepareRoot(directory)
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        let recordingsDirectory = root.appendingPathComponent("recordings", isDirectory: true)
        try BundleFiles.makeDirectory(recordingsDirectory.path)

        var files: [String: String] = [:]
        var exported: [ExportedRecording] = []
        for recording in timeline.recordings {
            let copied = try copy(recording, into: recordingsDirectory)
            if let path = copied.bundlePath, let sha256 = copied.sha256InBundle { files[path] = sha256 }
            exported.append(copied)
        }
        let generatedAt = now.map { Timestamp(microsecondsSinceEpoch: Int64($0.timeIntervalSince1970 * 1_000_000)) } ?? clock.now()
        let json = EvidenceReportBuilder.json(timeline, recordings: exported, generatedAt: generatedAt, generator: generator)
        let html = EvidenceReportHTML(timeFormat: timeFormat).render(
            timeline, recordings: exported, generatedAt: generatedAt, generator: generator)
        let readme = Self.readme(
            incidentID: timeline.incident.id, generatedAt: timeFormat.utc(generatedAt), signed: signingKey != nil)
        var named = [("report.json", Array(json)), ("report.html", Array(html.utf8)), ("README.txt", Array(readme.utf8))]
        if let chain {
            let text = "evidence chain entries: \(chain.entries)\nevidence chain head: \(chain.head ?? "none")\n"
            named.append(("CHAIN.txt", Array(text.utf8)))
        }
        for (name, bytes) in named {
            try write(bytes, to: root.appendingPathComponent(name))
            files[name] = FileHasher.hash(bytes: bytes)
        }
        let manifest = Array(files.keys.sorted().map { "\(files[$0] ?? "")  \($0)\n" }.joined().utf8)
        try write(manifest, to: root.appendingPathComponent(Self.manifestName))
        if let signingKey {
            try write(try signingKey.sign(manifest), to: root.appendingPathComponent(Self.signatureName))
            try write(Array(signingKey.publicKeyPEM.utf8), to: root.appendingPathComponent(Self.publicKeyName))
        }
        return Bundle(directory: directory, files: files, recordings: exported)
    }

    private func copy(_ recording: RecordingEvidence, into directory: URL) throws(EvidenceError) -> ExportedRecording {
        guard recording.origin == .file else {
            return ExportedRecording(recording: recording, bundlePath: nil, sha256InBundle: nil, status: .external)
        }
        let name = "\(recording.id)-" + Self.safeFileName(URL(fileURLWithPath: recording.location).lastPathComponent)
        let target = directory.appendingPathComponent(name)
        let sha256: String
        switch try BundleFiles.copyRecording(from: recording.location, to: target.path) {
        case .missing:
            return ExportedRecording(recording: recording, bundlePath: nil, sha256InBundle: nil, status: .missing)
        case .notRegular:
            return ExportedRecording(recording: recording, bundlePath: nil, sha256InBundle: nil, status: .notRegularFile)
        case .copied(_, let hash):
            sha256 = hash
        }
        let status: ExportedRecording.Status = recording.sha256 == nil || recording.sha256 == sha256 ? .intact : .altered
        return ExportedRecording(recording: recording, bundlePath: "recordings/" + name, sha256InBundle: sha256, status: status)
    }

    private func write(_ bytes: [UInt8], to url: URL) throws(EvidenceError) {
        try BundleFiles.write(bytes, to: url.path)
    }

    /// Letters, digits, `.`, `-` and `_` kept; anything else becomes `_` (at most 120 characters).
    static func safeFileName(_ name: String) -> String {
        let safe = name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        let text = String(safe.prefix(120))
        return text.isEmpty || text.hasPrefix(".") ? "recording" + text : text
    }

    static func readme(incidentID: Int64, generatedAt: String, signed: Bool) -> String {
        var text = """
            Evidence bundle for incident \(incidentID), written by Callwarden at \(generatedAt).

            report.html          The report: open it in any web browser (it contains no scripts and
                                 loads nothing from the network). Print it to paper or PDF from there.
            report.json          The same content in machine-readable form.
            recordings/          Copies of the call recordings linked to the incident's calls.
            CHAIN.txt            The length and last hash of the tamper-evident log Callwarden keeps
                                 of everything an incident rests on, at export (if present).
            MANIFEST.sha256      The SHA-256 checksum of every file above. To check that nothing was
                                 changed since export, run in this directory:
                                     sha256sum -c MANIFEST.sha256
                                 (on Windows: Get-FileHash -Algorithm SHA256 <file> for each file).

            """
        if signed {
            text += """
                MANIFEST.sha256.sig  An Ed25519 signature of MANIFEST.sha256 by the organisation's
                                     evidence key. To check it (OpenSSL 3), run in this directory:
                                         openssl pkeyutl -verify -pubin -inkey signing-key.pem -rawin \\
                                             -in MANIFEST.sha256 -sigfile MANIFEST.sha256.sig
                                     It prints "Signature Verified Successfully".
                signing-key.pem      The public key that checks the signature. A key inside the bundle
                                     only shows that the bundle is whole: ask the organisation for its
                                     evidence public key by another channel (its administrator prints
                                     it with `callwarden evidence key`) and compare, for example with
                                         openssl pkey -pubin -in signing-key.pem -outform DER | sha256sum
                                     against the fingerprint they give you; or use their copy of the
                                     key as -inkey above.

                Together: the signature proves the manifest came from the key's holder unchanged, and
                sha256sum -c proves every file is the one the manifest lists.

                """
        }
        text += """
            Each recording's checksum was also stored when Callwarden first found the file; the
            report says whether the copy still matches it ("intact") or not ("altered").

            """
        return text
    }
}
