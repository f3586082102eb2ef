import BoundedQueues
import CallModel
import DecisionService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ListenerGuards
import ListenerTestSupport
import Logging
import NIOCore
import Testing

/// Whom the decision transports believe (issue 10): a question counts only from an authenticated
/// PBX; anyone else is answered, but the question is neither stored nor counted and its `pai` is
/// ignored.
@Suite("Question trust: PBX credentials, loopback, pai")
struct QuestionTrustTests {
    private static let token = "kamailio-token-0123456789"

    private static func address(_ text: String) throws -> SocketAddress { try SocketAddress(ipAddress: text, port: 40_000) }

    @Test("without credentials only loopback counts, and its pai is believed")
    func noCredentials() throws {
        let trust = QuestionTrust()
        #expect(trust.judge(peer: try Self.address("127.0.0.1"), presented: .httpToken(nil)) == .pbx(name: "loopback", assertsIdentity: true))
        #expect(trust.judge(peer: try Self.address("::1"), presented: .noTokenTransport) == .pbx(name: "loopback", assertsIdentity: true))
        #expect(trust.judge(peer: try Self.address("192.0.2.10"), presented: .httpToken(nil)) == .untrusted)
        #expect(trust.judge(peer: nil, presented: .httpToken(nil)) == .untrusted)
    }

    @Test("a credential matches only when its token and its sources both match")
    func credentials() throws {
        let trust = QuestionTrust(credentials: [
            PBXCredential(name: "kamailio", token: Secret(Self.token), sources: [], assertsIdentity: false),
            PBXCredential(name: "asterisk", token: nil, sources: ["192.0.2.20"], assertsIdentity: true),
            PBXCredential(name: "both", token: Secret("other-token-0123456789"), sources: ["192.0.2.30"]),
        ])
        let token = Array(Self.token.utf8)
        #expect(trust.judge(peer: try Self.address("198.51.100.1"), presented: .httpToken(token)) == .pbx(name: "kamailio", assertsIdentity: false))
        #expect(trust.judge(peer: try Self.address("198.51.100.1"), presented: .httpToken(Array("kamailio-token-012345678X".utf8))) == .untrusted)
        #expect(trust.judge(peer: try Self.address("127.0.0.1"), presented: .httpToken(nil)) == .untrusted, "credentials configured: loopback alone is not enough")
        #expect(trust.judge(peer: try Self.address("192.0.2.20"), presented: .noTokenTransport) == .pbx(name: "asterisk", assertsIdentity: true))
        #expect(trust.judge(peer: try Self.address("192.0.2.21"), presented: .noTokenTransport) == .untrusted)
        #expect(trust.judge(peer: try Self.address("192.0.2.30"), presented: .httpToken(Array("other-token-0123456789".utf8))) == .pbx(name: "both", assertsIdentity: false))
        #expect(trust.judge(peer: try Self.address("192.0.2.31"), presented: .httpToken(Array("other-token-0123456789".utf8))) == .untrusted)
        // FastAGI has no token: a token-only credential never matches it.
        #expect(trust.judge(peer: try Self.address("198.51.100.1"), presented: .noTokenTransport) == .untrusted)
    }

    @Test("a holder swaps the trust in force whole (reload)")
    func holderSwaps() throws {
        let holder = QuestionTrustHolder()
        #expect(holder.judge(peer: try Self.address("127.0.0.1"), presented: .httpToken(nil)) != .untrusted)
        holder.replace(with: QuestionTrust(credentials: [PBXCredential(name: "pbx", token: Secret(Self.token))]))
        #expect(holder.judge(peer: try Self.address("127.0.0.1"), presented: .httpToken(nil)) == .untrusted)
    }

    private func application(
        _ fixture: ScreeningFixture, limits: ListenerLimits = ListenerLimits(requestTimeout: .seconds(60)), connectionGuard: ConnectionGuard? = nil,
        idleTimeout: Duration = .seconds(30)
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "decision-trust-test")
        logger.logLevel = .warning
        return DecisionHTTPServer.application(
            configuration: DecisionHTTPConfiguration(host: "127.0.0.1", port: 0, limits: limits, idleTimeout: idleTimeout), screener: fixture.screener,
            connectionGuard: connectionGuard, logger: logger)
    }

    private static func fixture(_ credentials: [PBXCredential]) -> ScreeningFixture {
        ScreeningFixture(trust: QuestionTrustHolder(QuestionTrust(credentials: credentials)))
    }

    private func action(_ body: ByteBuffer) throws -> String? {
        let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return json?["action"] as? String
    }

    @Test("over HTTP, a question without the PBX's token is answered but not stored; with it, stored")
    func httpToken() async throws {
        let fixture = Self.fixture([PBXCredential(name: "kamailio", token: Secret(Self.token))])
        try await application(fixture).test(.live) { client in
            try await client.execute(uri: "/v1/decision?caller=02079460123&callee=1001&callid=anon-1", method: .get) { response in
                #expect(response.status == .ok)
                let answer = try action(response.body)
                #expect(answer == "block")
            }
            try await client.execute(
                uri: "/v1/decision?caller=02079460123&callee=1001&callid=pbx-1", method: .get,
                headers: [.authorization: "Bearer \(Self.token)"]
            ) { response in
                let answer = try action(response.body)
                #expect(answer == "block")
            }
        }
        #expect(fixture.queue.drain(maxCount: 10).map(\.callID) == ["pbx-1"])
        #expect(fixture.metrics.unrecordedCount(.untrusted) == 1)
    }

    @Test("pai is believed only from a PBX allowed to assert identity")
    func assertedIdentity() async throws {
        // The blocked caller names an allowed number as pai: ignored (still blocked) from a PBX
        // that may not assert identity; the withheld caller's pai names the blocked number:
        // believed from one that may.
        let plain = Self.fixture([PBXCredential(name: "kamailio", token: Secret(Self.token), assertsIdentity: false)])
        try await application(plain).test(.live) { client in
            try await client.execute(
                uri: "/v1/decision?caller=02079460123&pai=%2B442079460777&callee=1001", method: .get,
                headers: [.authorization: "Bearer \(Self.token)"]
            ) { response in
                let answer = try action(response.body)
                #expect(answer == "block")
            }
        }
        #expect(plain.metrics.ignoredAssertedIdentityCount == 1)
        #expect(plain.queue.drain(maxCount: 4).first?.caller.assertedIdentity == nil)

        let asserting = Self.fixture([PBXCredential(name: "kamailio", token: Secret(Self.token), assertsIdentity: true)])
        try await application(asserting).test(.live) { client in
            try await client.execute(
                uri: "/v1/decision?caller=anonymous&pai=%2B442079460123&callee=1001", method: .get,
                headers: [.authorization: "Bearer \(Self.token)"]
            ) { response in
                let answer = try action(response.body)
                #expect(answer == "block")
            }
        }
        #expect(asserting.metrics.ignoredAssertedIdentityCount == 0)
        #expect(asserting.queue.drain(maxCount: 4).first?.caller.assertedIdentity?.description == "+442079460123")
    }

    @Test("a request trickled without end is closed at the request deadline while others are answered")
    func requestDeadline() async throws {
        let fixture = ScreeningFixture()
        // 3 s: long enough that the test client's own request is answered on a loaded machine; the
        // trickler never finishes its header.
        let limits = ListenerLimits(requestTimeout: .seconds(3))
        let connectionGuard = limits.connectionGuard(listener: "decision.http")
        let closed = SharedCount()
        try await application(fixture, limits: limits, connectionGuard: connectionGuard).test(.live) { client in
            let port = try #require(client.port)
            async let slow: Void = HostileThreads.run(1) { _ in
                guard let socket = try? HostileSocket(port: port, from: "127.0.0.2") else { return }
                // A header that never ends: its value grows a byte at a time.
                if socket.trickle("GET /v1/decision?caller=02079460123&callee=1001&callid=slow HTTP/1.1\r\nHost: pbx\r\nX-Slow: ", pauseMilliseconds: 200) {
                    closed.add()
                }
            }
            try await client.execute(uri: "/v1/decision?caller=02079460123&callee=1001&callid=fast", method: .get) { response in
                let answer = try action(response.body)
                #expect(answer == "block")
            }
            await slow
        }
        #expect(closed.current == 1)
        #expect(connectionGuard.counters.closeCount(.requestDeadline) == 1)
        #expect(fixture.queue.drain(maxCount: 4).map(\.callID) == ["fast"])
    }

    @Test("one host cannot take every HTTP slot")
    func perSourceLimit() async throws {
        let fixture = ScreeningFixture()
        // The request deadline and the idle timeout outlive the 60 s wait below: the test client's own
        // connection is open (and idle) meanwhile, and a slow run must not see it closed by either (a
        // loaded run once waited ~60 s and found it closed by the 30 s idle timeout).
        let limits = ListenerLimits(maximumConnections: 8, maximumConnectionsPerSource: 2, requestTimeout: .seconds(180))
        let connectionGuard = limits.connectionGuard(listener: "decision.http")
        try await application(fixture, limits: limits, connectionGuard: connectionGuard, idleTimeout: .seconds(180)).test(.live) { client in
            let port = try #require(client.port)
            let held = try (0..<2).map { _ in try HostileSocket(port: port, from: "127.0.0.2") }
            let refused = try HostileSocket(port: port, from: "127.0.0.2")
            // 60 s: a bound for a loaded machine (the server accepts from a task on the cooperative pool), not a timing check.
            #expect(await refused.closedByPeer(waitingMilliseconds: 60_000))
            #expect(connectionGuard.counters.refusalCount(.perSource) == 1)
            try await client.execute(uri: "/v1/decision?caller=02079460123&callee=1001", method: .get) { response in
                #expect(response.status == .ok)
            }
            // Never more than two from that host (the held ones may have been closed meanwhile by
            // an idle or request deadline on a slow run; the bound is what this test is about).
            #expect(connectionGuard.slots.openCount(from: "127.0.0.2") <= 2)
            withExtendedLifetime(held) {}
        }
    }
}
