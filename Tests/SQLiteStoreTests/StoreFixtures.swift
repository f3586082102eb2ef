import CallModel
import CallwardenPorts
import Foundation
import SQLiteStore

/// A directory under the system temporary directory, removed by `remove()`. Tests use real files.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("callwarden-store-tests-" + UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of a database file inside the directory.
    var databasePath: String { url.appendingPathComponent("callwarden.sqlite").path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Synthetic values: numbers from the Ofcom drama ranges only.
enum Fixture {
    static let caller = E164Number(e164: "+447700900123")!
    static let otherCaller = E164Number(e164: "+447700900456")!
    static let landline = E164Number(e164: "+442079460123")!
    static let leeds = E164Number(e164: "+441134960999")!

    static func time(_ seconds: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_700_000_000 + seconds) }

    /// A CDR-style terminal event with every optional field filled in.
    static func fullEvent(callID: String = "1700000000.1", at seconds: Int64 = 0) -> CallEvent {
        CallEvent(
            time: time(seconds + 45),
            callID: callID,
            source: .asteriskCSV,
            phase: .ended,
            disposition: .answered,
            callStart: time(seconds),
            duration: .seconds(45),
            talkTime: TimeSpan(microseconds: 30_250_001),
            caller: CallerIdentity(
                raw: "sip:07700900123@pbx.example", number: caller, internalExtension: "2001",
                displayName: "Test Caller, \"Ltd\" ☎", assertedIdentity: landline, presentationRestricted: true),
            callee: CalledParty(raw: "sip:1001@pbx.example", key: "1001"))
    }

    /// A withheld caller's event with every optional field empty.
    static func minimalEvent(callID: String = "sip-call-2@host", at seconds: Int64 = 0) -> CallEvent {
        CallEvent(
            time: time(seconds), callID: callID, source: .sip, phase: .started,
            caller: CallerIdentity(raw: "anonymous", presentationRestricted: false),
            callee: CalledParty(raw: "1002", key: "1002"))
    }

    static func detection(
        calls: Int = 5, last: Int64 = 600, action: ResponseAction = .alert, target: String = "1001",
        first: Int64 = 0, kind: DetectionKind = .repeatCaller
    ) -> Detection {
        Detection(
            kind: kind, caller: caller, callers: [caller], target: target, calls: calls, first: time(first),
            last: time(last), action: action, actionExpires: action == .block ? time(last + 86_400) : nil, offence: 1,
            callIDs: (0..<calls).map { "call,\($0)\n\"x\"" })
    }

    static func checkpoint(path: String = "/var/log/asterisk/cdr-csv/Master.csv", offset: Int64 = 4_096) -> TailCheckpoint {
        TailCheckpoint(
            path: path, device: UInt64(Int64.max) + 17, inode: UInt64.max, offset: offset, lineNumber: 42,
            headHash: 0xCBF2_9CE4_8422_2325, updatedAt: time(1_000))
    }

    static func blockRule(expiresAt: Timestamp? = nil, origin: RuleOrigin = .manual) -> Rule {
        Rule(
            match: .number(caller), action: .block, reason: "threatening calls to reception",
            createdBy: origin == .manual ? "cli:alice" : "detection", createdAt: time(100), expiresAt: expiresAt,
            origin: origin)
    }
}
