package import CallModel
import CallwardenPorts
import NIOCore
package import Incidents
import PostgresNIO

// MARK: - Recordings linked to calls

extension PostgresStore: RecordingStore {
    /// The columns ``recording(from:)`` reads, in order.
    static let recordingColumns = "id, call_id, location, origin, size, sha256, recorded_at, linked_at"

    /// Links a recording to its call with an audit entry (`recording.link`), in one transaction, as
    /// `SQLiteStore` does: the call id and the location (trimmed) stored whole as `BYTEA`, the hash
    /// as 64 lower-case hex digits; a location already linked (by any node) is returned as stored,
    /// unchanged (the first hash is the evidence). Two nodes linking one location at once link it
    /// once (the unique index on its SHA-256 decides; the second reads the first's row).
    /// A recording is linked to incidents through its call id (`incident_calls`), as in SQLite.
    ///
    /// Deliberately not here: SQLite's hash chain over the recordings (`evidence_chain`); the
    /// shared store has none yet (see ARCHITECTURE.md).
    /// - Throws: ``IncidentChangeError`` for an empty call id or location, text over
    ///   4,000 characters, or a hash that is not 64 hex digits (nothing
    ///   written then); ``PostgresStoreError`` otherwise.
    package func linkRecording(_ recording: NewRecording) throws -> RecordingEvidence {
        _ = try IncidentChangeError.checked(recording.callID, field: "call_id", required: true)
        let location = try IncidentChangeError.checked(recording.location, field: "location", required: true)
        if let sha256 = recording.sha256, sha256.utf8.count != 64 || !sha256.utf8.allSatisfy(Self.isLowerHex) {
            throw IncidentChangeError.invalidField("sha256", reason: "must be 64 lower-case hex digits")
        }
        return try session.transaction { transaction in
            let inserted = try transaction.execute(
                """
                INSERT INTO recordings (call_id, location, origin, size, sha256, recorded_at, linked_at, linked_by)
                VALUES (\(ByteBuffer(string: recording.callID)), \(ByteBuffer(string: location)), \(recording.origin.rawValue),
                    \(recording.size), \(recording.sha256), \(recording.recordedAt?.microsecondsSinceEpoch),
                    \(recording.linkedAt.microsecondsSinceEpoch), \(ByteBuffer(string: recording.actor)))
                ON CONFLICT ((sha256(location))) DO NOTHING
                """)
            if inserted == 1 {
                try Self.appendAudit(
                    AuditEntry(
                        time: recording.linkedAt, actor: recording.actor, action: "recording.link",
                        subject: "call \(recording.callID)",
                        detail: location + (recording.sha256.map { " sha256 " + $0 } ?? "")),
                    transaction)
            }
            let bytes = ByteBuffer(string: location)
            guard let row = try transaction.rows(
                """
                SELECT \(unescaped: Self.recordingColumns) FROM recordings
                WHERE sha256(location) = sha256(\(bytes)) AND location = \(bytes)
                """
            ).first
            else { throw PostgresStoreError(code: .invalidData, message: "a linked recording cannot be read back") }
            return try Self.recording(from: row)
        }
    }

    /// Every linked recording (of every node), oldest first (at most `limit`).
    /// - Throws: ``PostgresStoreError``.
    package func recordings(limit: Int) throws -> [RecordingEvidence] {
        try session.query(
            "SELECT \(unescaped: Self.recordingColumns) FROM recordings ORDER BY id LIMIT \(Int64(max(limit, 0)))"
        ).map(Self.recording(from:))
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }

    static func recording(from row: PostgresRow) throws -> RecordingEvidence {
        let (id, callID, location, origin, size, sha256, recordedAt, linkedAt) = try row.decode(
            (Int64, ByteBuffer, ByteBuffer, String, Int64?, String?, Int64?, Int64).self)
        guard let origin = RecordingOrigin(rawValue: origin) else {
            throw PostgresStoreError(code: .invalidData, message: "recordings.origin holds an unknown value")
        }
        return RecordingEvidence(
            id: id, callID: String(buffer: callID), location: String(buffer: location), origin: origin, size: size, sha256: sha256,
            recordedAt: recordedAt.map(Timestamp.init(microsecondsSinceEpoch:)), linkedAt: Timestamp(microsecondsSinceEpoch: linkedAt))
    }
}
