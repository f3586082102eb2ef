package import CallModel
import CallwardenPorts
import GRDB
package import Incidents

// MARK: - Recordings linked to calls

extension SQLiteStore {
    /// The columns ``recording(from:)`` reads, in order; call id and location whole, NUL included
    /// (``FullLengthText``).
    static let recordingColumns = "id, CAST(call_id AS BLOB), CAST(location AS BLOB), origin, size, sha256, recorded_at, linked_at"

    /// Links a recording to its call with an audit entry (`recording.link`); a location already
    /// linked is returned as stored, unchanged (the first hash is the evidence).
    ///
    /// - Throws: ``IncidentChangeError`` for an empty call id or location, or a hash that is not 64
    ///   hex digits; ``SQLiteStoreError`` otherwise.
    package func linkRecording(_ recording: NewRecording) throws -> RecordingEvidence {
        _ = try IncidentChangeError.checked(recording.callID, field: "call_id", required: true)
        let location = try IncidentChangeError.checked(recording.location, field: "location", required: true)
        if let sha256 = recording.sha256, sha256.utf8.count != 64 || !sha256.utf8.allSatisfy(Self.isLowerHex) {
            throw IncidentChangeError.invalidField("sha256", reason: "must be 64 lower-case hex digits")
        }
        return try write { db in
            try db.execute(
                sql: """
                    INSERT INTO recordings (call_id, location, origin, size, sha256, recorded_at, linked_at, linked_by)
                    VALUES (\(FullLengthText.placeholder), \(FullLengthText.placeholder), ?, ?, ?, ?, ?, \(FullLengthText.placeholder))
                    ON CONFLICT (location) DO NOTHING
                    """,
                arguments: [
                    FullLengthText.argument(recording.callID), FullLengthText.argument(location), recording.origin.rawValue,
                    recording.size, recording.sha256, recording.recordedAt?.microsecondsSinceEpoch,
                    recording.linkedAt.microsecondsSinceEpoch, FullLengthText.argument(recording.actor),
                ])
            if db.changesCount == 1 {
                try appendAudit(
                    AuditEntry(
                        time: recording.linkedAt, actor: recording.actor, action: "recording.link",
                        subject: "call \(recording.callID)",
                        detail: location + (recording.sha256.map { " sha256 " + $0 } ?? "")),
                    db)
            }
            guard let row = try Row.fetchOne(
                db, sql: "SELECT \(Self.recordingColumns) FROM recordings WHERE location = \(FullLengthText.placeholder)",
                arguments: [FullLengthText.argument(location)])
            else { throw SQLiteStoreError(code: .database, message: "a linked recording cannot be read back") }
            return try Self.recording(from: row)
        }
    }

    /// Every linked recording, oldest first.
    ///
    /// - Throws: ``SQLiteStoreError``.
    package func recordings(limit: Int) throws -> [RecordingEvidence] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.recordingColumns) FROM recordings ORDER BY id LIMIT ?", arguments: [max(limit, 0)]
            ).map(Self.recording(from:))
        }
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }

    static func recording(from row: Row) throws -> RecordingEvidence {
        RecordingEvidence(
            id: try row.decode(atIndex: 0),
            callID: try row.fullText(atIndex: 1) ?? "",
            location: try row.fullText(atIndex: 2) ?? "",
            origin: try StoredValue.decode(row.decode(atIndex: 3), as: RecordingOrigin.self, column: "recordings.origin"),
            size: try row.decode(atIndex: 4),
            sha256: try row.decode(atIndex: 5),
            recordedAt: StoredValue.timestamp(try row.decode(atIndex: 6)),
            linkedAt: Timestamp(microsecondsSinceEpoch: try row.decode(atIndex: 7)))
    }
}
