import AlertDelivery
import CallModel
import Foundation
import Incidents
import Testing

@Suite("Standard Webhooks signatures, retry schedule")
struct SignatureTests {
    // The test vector of the Standard Webhooks specification's reference libraries.
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let timestamp: Int64 = 1_614_265_330
    static let body = Array(#"{"test": 2432232314}"#.utf8)

    @Test("signs the reference vector as the specification does and verifies it")
    func referenceVector() throws {
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))
        let signature = signer.signature(id: Self.id, timestamp: Self.timestamp, body: Self.body)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(signer.verify(id: Self.id, timestamp: Self.timestamp, body: Self.body, header: "v1,bad " + signature, now: Self.timestamp + 10))
    }

    @Test("a changed body, id or old timestamp fails verification")
    func tamperingFails() throws {
        let signer = try #require(StandardWebhookSignature(secret: Self.secret))
        let signature = signer.signature(id: Self.id, timestamp: Self.timestamp, body: Self.body)
        #expect(!signer.verify(id: Self.id, timestamp: Self.timestamp, body: Self.body + [0x20], header: signature, now: Self.timestamp))
        #expect(!signer.verify(id: "msg_other", timestamp: Self.timestamp, body: Self.body, header: signature, now: Self.timestamp))
        #expect(!signer.verify(id: Self.id, timestamp: Self.timestamp, body: Self.body, header: signature, now: Self.timestamp + 301))
        #expect(!signer.verify(id: Self.id, timestamp: Self.timestamp, body: Self.body, header: "v1,@@@", now: Self.timestamp))
        #expect(StandardWebhookSignature(secret: "whsec_!!!") == nil)
        #expect(StandardWebhookSignature(secret: "  ") == nil)
    }

    @Test("backoff doubles from the initial delay up to the maximum")
    func backoff() {
        let schedule = RetrySchedule(initial: .seconds(1), maximum: .minutes(5))
        #expect((1...10).map { schedule.delay(afterAttempts: $0).seconds } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300])
        #expect(schedule.delay(afterAttempts: 10_000) == .minutes(5))
        var random = SystemRandomNumberGenerator()
        let now = Timestamp(secondsSinceEpoch: 1_700_000_000)
        let retry = schedule.retryTime(afterAttempts: 3, now: now, random: &random)
        #expect(retry >= now + .seconds(4) && retry <= now + TimeSpan(microseconds: 4_800_000))
    }
}
