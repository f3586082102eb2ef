import CallModel
import CallwardenPorts
import Foundation
import Incidents
import SQLiteStore

/// Synthetic evidence: Ofcom drama-range numbers, fictional recordings.
enum EvidenceFixture {
    static let caller = E164Number(e164: "+447700900123")!
    static let asserted = E164Number(e164: "+442079460123")!

    static func time(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_700_000_000 + seconds) }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("callwarden-evidence-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `bytes` at `path` (directories created) with the given modification time.
    static func writeFile(_ path: String, bytes: [UInt8], modified: Date) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: path)
    }

    /// Two calls from 07700 900123 (the second withheld, with an asserted identity) to 1001, a
    /// harassment detection, and an MCID harassment flag on the second call, which joins the
    /// detection's incident.
    static func incident(in store: SQLiteStore) throws -> Int64 {
        var batch = IngestBatch()
        batch.events = [
            CallEvent(
                time: time(45), callID: "1700000000.11", source: .asteriskCSV, phase: .ended, disposition: .answered,
                callStart: time(0), duration: .seconds(45), talkTime: .seconds(40),
                caller: CallerIdentity(raw: "07700900123", number: caller), callee: CalledParty(raw: "1001", key: "1001")),
            CallEvent(
                time: time(700), callID: "1700000600.12", source: .asteriskCSV, phase: .ended, disposition: .noAnswer,
                callStart: time(600), duration: .seconds(20), talkTime: .seconds(0),
                caller: CallerIdentity(raw: "anonymous", number: nil, assertedIdentity: caller, presentationRestricted: true),
                callee: CalledParty(raw: "1001", key: "1001")),
        ]
        batch.detections = [Detection(
            kind: .repeatCaller, caller: caller, callers: [caller], target: "1001", calls: 2, first: time(0), last: time(600),
            action: .alert, offence: 1, callIDs: ["1700000000.11", "1700000600.12"])]
        try store.commit(batch)
        let outcome = try store.flagMaliciousCall(
            MCIDRequest(
                call: .callID("1700000600.12"), kind: .harassment, actor: "ext:1001", note: "said he knows where I live",
                time: time(900), sourceAddress: "198.51.100.7:5060",
                sipHeaders: [SIPHeaderField(name: "P-Asserted-Identity", value: "<sip:+447700900123@carrier.example>")]),
            crisisLine: nil)
        return outcome.incident.id
    }
}
