import BoundedQueues
import CallModel
import DecisionService
import ListenerGuards
import Foundation
import HTTPTypes
import Hummingbird
import Ingest
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite("dry_run: answered, neither stored nor counted")
struct DryRunTests {
    private func application(_ fixture: ScreeningFixture) -> some ApplicationProtocol {
        var logger = Logger(label: "decision-dry-run-test")
        logger.logLevel = .warning
        return DecisionHTTPServer.application(
            // A 60 s request deadline: a bound for a loaded test run (the listener's default is 5 s).
            configuration: DecisionHTTPConfiguration(host: "127.0.0.1", port: 0, limits: ListenerLimits(requestTimeout: .seconds(60))),
            screener: fixture.screener,
            logger: logger)
    }

    private func action(_ body: ByteBuffer) throws -> String? {
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        return try #require(json as? [String: Any])["action"] as? String
    }

    @Test("GET and POST with dry_run answer as for the PBX and record nothing; without it they record")
    func dryRunRecordsNothing() async throws {
        let fixture = ScreeningFixture()
        try await application(fixture).test(.live) { client in
            for flag in ["1", "true"] {
                try await client.execute(
                    uri: "/v1/decision?caller=02079460123&callee=1001&callid=probe-\(flag)&dry_run=\(flag)", method: .get
                ) { response in
                    #expect(response.status == .ok)
                    let answered = try action(response.body)
                    #expect(answered == "block")
                }
            }
            let body = #"{"caller":"02079460123","callee":"1001","callid":"probe-post","dry_run":true}"#
            try await client.execute(uri: "/v1/decision", method: .post, body: ByteBuffer(string: body)) { response in
                let answered = try action(response.body)
                #expect(answered == "block")
            }
            let plain = #"{"caller":"02079460123","callee":"1001","callid":"probe-query"}"#
            try await client.execute(uri: "/v1/decision?dry_run=1", method: .post, body: ByteBuffer(string: plain)) {
                let answered = try action($0.body)
                #expect(answered == "block")
            }
            #expect(fixture.queue.drain(maxCount: 10).isEmpty)
            try await client.execute(uri: "/v1/decision?caller=02079460123&callee=1001&callid=real&dry_run=0", method: .get) {
                let answered = try action($0.body)
                #expect(answered == "block")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("callwarden_decision_unrecorded_total{reason=\"dry_run\"} 4\n"))
                #expect(text.contains("callwarden_decisions_total{action=\"block\"} 1\n"))
            }
        }
        #expect(fixture.queue.drain(maxCount: 10).map(\.callID) == ["real"])
        #expect(fixture.metrics.unrecordedCount(.dryRun) == 4)
    }

    @Test("a recorded question carries its decision; an answered-only one takes no synthetic call id")
    func screenerSeam() {
        let fixture = ScreeningFixture()
        let query = RawDecisionQuery(caller: "02079460123", callee: "1001")
        let answered = fixture.screener.screen(query, recording: .answerOnly(.dryRun))
        #expect(answered.decision.action == .block)
        #expect(answered.callID == "")
        #expect(!answered.eventRecorded)
        let recorded = fixture.screener.screen(query)
        #expect(recorded.eventRecorded)
        let event = fixture.queue.drain(maxCount: 10).first
        #expect(event?.decision == recorded.decision)
        #expect(event?.callID == recorded.callID)
    }

    @Test("a dry_run that is not a boolean in the body is refused naming it")
    func badFlag() async throws {
        let fixture = ScreeningFixture()
        try await application(fixture).test(.live) { client in
            let body = #"{"caller":"02079460123","callee":"1001","dry_run":"maybe"}"#
            try await client.execute(uri: "/v1/decision", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(json?["parameter"] as? String == "dry_run")
            }
        }
        #expect(fixture.queue.drain(maxCount: 10).isEmpty)
    }
}
