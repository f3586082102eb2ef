import BoundedQueues
import CallwardenPorts
import Ingest
import CallModel
import DecisionService
import ListenerGuards
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@Suite("Decision HTTP API (live server on loopback)")
struct DecisionHTTPTests {
    private func application(_ fixture: ScreeningFixture) -> some ApplicationProtocol {
        var logger = Logger(label: "decision-http-test")
        logger.logLevel = .warning
        return DecisionHTTPServer.application(
            // A 60 s request deadline: a bound for a loaded test run (the listener's default is 5 s).
            configuration: DecisionHTTPConfiguration(host: "127.0.0.1", port: 0, limits: ListenerLimits(requestTimeout: .seconds(60))),
            screener: fixture.screener,
            logger: logger)
    }

    private func object(_ body: ByteBuffer) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        return try #require(json as? [String: Any])
    }

    @Test("GET answers block with rule, reason and call id, and records the call")
    func getBlock() async throws {
        let fixture = ScreeningFixture()
        try await application(fixture).test(.live) { client in
            try await client.execute(
                uri: "/v1/decision?caller=sip:%2B442079460123@carrier.example&callee=1001&callid=abc-1", method: .get
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let json = try object(response.body)
                #expect(json["action"] as? String == "block")
                #expect(json["target"] is NSNull)
                #expect(json["reason"] as? String == "threatened reception, ticket 4711")
                #expect(json["rule"] as? Int == 7)
                #expect(json["callid"] as? String == "abc-1")
            }
        }
        let events = fixture.queue.drain(maxCount: 10)
        #expect(events.map(\.callID) == ["abc-1"])
        #expect(events.first?.source == .decisionRequest)
        #expect(fixture.metrics.requestCount(.http) == 1)
    }

    @Test("GET with a literal + (as Kamailio sends $fU) and a national number both normalise")
    func plusAndNational() async throws {
        let fixture = ScreeningFixture()
        try await application(fixture).test(.live) { client in
            for caller in ["+442079460123", "02079460123", "sip:02079460123@10.0.0.1"] {
                try await client.execute(uri: "/v1/decision?caller=\(caller)&callee=1001", method: .get) { response in
                    let json = try object(response.body)
                    #expect(json["action"] as? String == "block")
                }
            }
        }
    }

    @Test("GET redirect names the target; anonymous and empty callers get the unidentified rule")
    func redirects() async throws {
        let fixture = ScreeningFixture()
        try await application(fixture).test(.live) { client in
            try await client.execute(uri: "/v1/decision?caller=07700900111&callee=1001&callid=r1", method: .get) {
                let json = try object($0.body)
                #expect(json["action"] as? String == "redirect")
                #expect(json["target"] as? String == "+442079460999")
                #expect(json["rule"] as? Int == 8)
            }
            for caller in ["anonymous", "", "sip:anonymous@anonymous.invalid"] {
                try await client.execute(uri: "/v1/decision?caller=\(caller)&callee=1001", method: .get) {
                    let json = try object($0.body)
                    #expect(json["action"] as? String == "redirect")
                    #expect(json["rule"] as? Int == 10)
                    #expect((json["callid"] as? String)?.hasPrefix("cw-") == true)
                }
            }
        }
        #expect(fixture.metrics.decisionCount(.redirect(to: "")) == 4)
    }

    @Test("an unknown caller is allowed by default with rule null")
    func defaultAllow() async throws {
        let fixture = ScreeningFixture()
        try await application(fixture).test(.live) { client in
            try await client.execute(uri: "/v1/decision?caller=02079460777&callee=1001&callid=x", method: .get) {
                let json = try object($0.body)
                #expect(json["action"] as? String == "allow")
                #expect(json["rule"] is NSNull)
                #expect(json["reason"] as? String == "")
            }
        }
    }

    @Test("POST with a JSON body decides the same way and escapes the reason")
    func post() async throws {
        let fixture = ScreeningFixture()
        try await application(fixture).test(.live) { client in
            let body = #"{"caller":"sip:01134960555@carrier","callee":"sip:1001@pbx","callid":"p-1"}"#
            try await client.execute(
                uri: "/v1/decision", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
                let json = try object(response.body)
                #expect(json["action"] as? String == "flag")
                #expect(json["reason"] as? String == "trace \"quoted\" \\ back")
                #expect(json["callid"] as? String == "p-1")
            }
        }
        #expect(fixture.queue.drain(maxCount: 4).map(\.callID) == ["p-1"])
    }

    @Test(
        "bad requests get 400 with the parameter named, are counted and record nothing",
        arguments: [
            ("GET", "/v1/decision?callee=1001", "", "caller"),
            ("GET", "/v1/decision?caller=0207", "", "callee"),
            ("GET", "/v1/decision?caller=0207&callee=", "", "callee"),
            ("GET", "/v1/decision?caller=0207&callee=1001&callid=a%0Ab", "", "callid"),
            ("GET", "/v1/decision?caller=0207&callee=1001&restricted=maybe", "", "restricted"),
            ("POST", "/v1/decision", #"{"callee":"1001"}"#, "caller"),
            ("POST", "/v1/decision", #"{"caller":"0207","callee":"#, "body"),
            ("POST", "/v1/decision", #"["caller"]"#, "body"),
            ("POST", "/v1/decision", "", "body"),
            ("POST", "/v1/decision", #"{"caller":2079460123,"callee":"1001"}"#, "caller"),
        ])
    func badRequests(method: String, uri: String, body: String, parameter: String) async throws {
        let fixture = ScreeningFixture()
        try await application(fixture).test(.live) { client in
            try await client.execute(
                uri: uri, method: method == "GET" ? .get : .post,
                body: method == "GET" ? nil : ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                let json = try object(response.body)
                #expect(json["error"] as? String == "bad_request")
                #expect(json["parameter"] as? String == parameter)
            }
            // The server is still there after a bad request.
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
        #expect(fixture.metrics.badRequestCount(.http) == 1)
        #expect(fixture.queue.drain(maxCount: 4).isEmpty)
    }

    @Test("a 10 KB caller and an oversized body are refused, not crashed on")
    func oversized() async throws {
        let fixture = ScreeningFixture()
        try await application(fixture).test(.live) { client in
            let long = String(repeating: "7", count: 10_240)
            try await client.execute(uri: "/v1/decision?caller=\(long)&callee=1001", method: .get) {
                #expect($0.status == .badRequest)
                let json = try object($0.body)
                #expect(json["parameter"] as? String == "caller")
            }
            let body = #"{"caller":"\#(long)","callee":"1001"}"#
            try await client.execute(uri: "/v1/decision", method: .post, body: ByteBuffer(string: body)) {
                #expect($0.status == .contentTooLarge)
                let json = try object($0.body)
                #expect(json["parameter"] as? String == "body")
            }
        }
        #expect(fixture.metrics.badRequestCount(.http) == 2)
    }

    @Test("healthz says ok and metrics counts requests, actions, bad requests and drops")
    func healthAndMetrics() async throws {
        let fixture = ScreeningFixture()
        try await application(fixture).test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body) == "ok\n")
            }
            try await client.execute(uri: "/v1/decision?caller=02079460123&callee=1001", method: .get) { _ in }
            try await client.execute(uri: "/v1/decision?caller=02079460777&callee=1001", method: .get) { _ in }
            try await client.execute(uri: "/v1/decision?callee=1001", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: response.body)
                #expect(text.contains("callwarden_decision_requests_total{transport=\"http\"} 3\n"))
                #expect(text.contains("callwarden_decisions_total{action=\"block\"} 1\n"))
                #expect(text.contains("callwarden_decisions_total{action=\"allow\"} 1\n"))
                #expect(text.contains("callwarden_decision_bad_requests_total{transport=\"http\"} 1\n"))
                #expect(text.contains("callwarden_decision_events_dropped_total 0\n"))
                #expect(text.contains("# TYPE callwarden_decisions_total counter\n"))
            }
        }
    }
}
