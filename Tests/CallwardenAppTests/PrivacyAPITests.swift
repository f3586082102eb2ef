import AsyncHTTPClient
import CallModel
import CallwardenApp
import CallwardenPorts
import Foundation
import Incidents
import NIOCore
import NIOHTTP1
import PeopleAPI
import SQLiteStore
import Testing

/// A data subject's requests on the daemon's people's listener, wired as `serve` wires it: the
/// admin role answers them, audited under the token's name and a keyed hash of the number; a
/// legal hold refuses erasure; other roles are refused.
@Suite("The privacy routes on the people's listener")
struct PrivacyAPITests {
    static let caller = "+447700900123"

    static func send(
        _ method: HTTPMethod, _ url: String, body: String? = nil, token: String
    ) async throws -> (status: UInt, json: [String: Any], text: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        request.headers.add(name: "Authorization", value: "Bearer " + token)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        let text = String(decoding: bytes.readableBytesView, as: UTF8.self)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return (response.status.code, json, text)
    }

    @Test("export, erase (refused under legal hold, then done) and retention for admin only, audited under the token")
    func privacyRoutes() async throws {
        let directory = try TestSupport.temporaryDirectory("privacy-api")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try TestSupport.writeConfiguration(
            in: directory, sections: "api:\n  listen: 127.0.0.1:0\ndecision:\n  http: off\nlogging:\n  level: warning\n")
        let store = try SQLiteStore(path: directory + "/callwarden.sqlite")
        defer { try? store.close() }
        let start = Timestamp(secondsSinceEpoch: 1_700_000_000)
        var batch = IngestBatch()
        batch.events = (0..<2).map { index in
            CallEvent(
                time: start + .seconds(Int64(index) * 60 + 30), callID: "call-\(index)", source: .asteriskCSV, phase: .ended,
                disposition: .answered, callStart: start + .seconds(Int64(index) * 60), duration: .seconds(30), talkTime: .seconds(20),
                caller: CallerIdentity(raw: "07700900123", number: E164Number(e164: Self.caller)), callee: CalledParty(raw: "1001", key: "1001"))
        }
        batch.detections = [
            Detection(
                kind: .repeatCaller, caller: E164Number(e164: Self.caller), callers: [E164Number(e164: Self.caller)!], target: "1001",
                calls: 2, first: start, last: start + .seconds(60), action: .alert, callIDs: ["call-0", "call-1"])
        ]
        try store.commit(batch)
        let incident = try #require(try store.incidents(limit: 1).first?.id)
        let admin = try AccessTokenIssuer.issue(name: "dpo", role: .admin, actor: "test", at: start, store: store).text
        let security = try AccessTokenIssuer.issue(name: "guard", role: .security, actor: "test", at: start, store: store).text

        try await TestSupport.withDaemon(config: config) { _, addresses in
            let base = "http://127.0.0.1:\(TestSupport.port(addresses, "api.listen"))/v1/privacy"
            let request = #"{"number":"07700 900123"}"#
            #expect(try await Self.send(.POST, base + "/export", body: request, token: security).status == 403)
            #expect(try await Self.send(.GET, base + "/retention", token: security).status == 403)

            let export = try await Self.send(.POST, base + "/export", body: request, token: admin)
            #expect(export.status == 200)
            #expect(export.json["number"] as? String == Self.caller)
            #expect((export.json["call_events"] as? [Any])?.count == 2)
            #expect((export.json["detections"] as? [Any])?.count == 1)
            #expect(try await Self.send(.POST, base + "/export", body: #"{"number":"not a number"}"#, token: admin).status == 400)

            let retention = try await Self.send(.GET, base + "/retention", token: admin)
            #expect(retention.status == 200)
            #expect(retention.json["calls_kept_days"] as? Int == 36_500)
            #expect(retention.json["closed_incidents_kept_days"] as? Int == 730)
            #expect(retention.json["legal_hold_incidents"] as? [Int] == [Int(incident)])

            let erase = #"{"number":"+44 7700 900123","reason":"SAR-7 from +44 7700 900123"}"#
            let held = try await Self.send(.POST, base + "/erase", body: erase, token: admin)
            #expect(held.status == 409)
            #expect(held.json["error"] as? String == "legal_hold")
            #expect(held.json["incidents"] as? [Int] == [Int(incident)])
            #expect(try store.statistics().events == 2, "nothing removed under legal hold")

            _ = try store.changeStatus(incidentID: incident, to: .closed, actor: "alice", note: "resolved", at: start + .seconds(600))
            let erased = try await Self.send(.POST, base + "/erase", body: erase, token: admin)
            #expect(erased.status == 200)
            #expect((erased.json["removed"] as? [String: Int])?["call_events"] == 2)
            #expect(try store.statistics().events == 0)
            #expect(try await Self.send(.POST, base + "/erase", body: #"{"number":"07700900123","reason":" "}"#, token: admin).status == 400)
        }

        let audit = try store.auditLog(since: nil, limit: 100)
        let exported = try #require(audit.first { $0.action == "privacy.export" })
        let erasedEntry = try #require(audit.first { $0.action == "privacy.erase" })
        #expect(exported.actor == "token:dpo" && erasedEntry.actor == "token:dpo")
        #expect(exported.subject.hasPrefix("number ") && erasedEntry.subject == exported.subject)
        #expect(!audit.contains { $0.subject.contains("7700900123") || $0.detail.contains("7700900123") || $0.detail.contains("7700 900123") })
        #expect(try store.verifyEvidenceChain().findings == [])
    }
}
