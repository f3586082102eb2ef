import ListenerGuards
import MetricsExposition
import NIOCore
import Testing

@Suite struct SourceSlotsTests {
    @Test func oneSourceCannotTakeEverySlot() {
        let slots = SourceSlots(total: 4, perSource: 2)
        #expect(slots.claim(source: "192.0.2.7") == nil)
        #expect(slots.claim(source: "192.0.2.7") == nil)
        #expect(slots.claim(source: "192.0.2.7") == .perSource)
        #expect(slots.claim(source: "192.0.2.8") == nil)
        #expect(slots.claim(source: "192.0.2.9") == nil)
        #expect(slots.claim(source: "192.0.2.10") == .full)
        slots.release(source: "192.0.2.7")
        #expect(slots.openCount == 3)
        #expect(slots.openCount(from: "192.0.2.7") == 1)
        #expect(slots.claim(source: "192.0.2.7") == nil)
        // A release for a source with nothing open changes nothing.
        slots.release(source: "198.51.100.1")
        #expect(slots.openCount == 4)
    }

    @Test func bearerTokensAreReadCaseInsensitivelyBySchemeOnly() {
        #expect(BearerToken.presented(in: "Bearer abc.def") == Array("abc.def".utf8))
        #expect(BearerToken.presented(in: "bearer   abc ") == Array("abc".utf8))
        #expect(BearerToken.presented(in: "Basic abc") == nil)
        #expect(BearerToken.presented(in: "Bearer ") == nil)
        #expect(BearerToken.presented(in: nil) == nil)
    }

    @Test func loopbackIsOnly127SlashEightAndColonColonOne() throws {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"] {
            #expect(ListenerAddress.isLoopback(host: host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "192.0.2.1", "128.0.0.1", "127.0.0", "2001:db8::1"] {
            #expect(!ListenerAddress.isLoopback(host: host), "\(host)")
        }
        #expect(ListenerAddress.isLoopback(try SocketAddress(ipAddress: "127.0.0.2", port: 1)))
        #expect(!ListenerAddress.isLoopback(try SocketAddress(ipAddress: "192.0.2.1", port: 1)))
        #expect(ListenerAddress.sourceKey(of: try SocketAddress(ipAddress: "192.0.2.1", port: 5)) == "192.0.2.1")
        #expect(ListenerAddress.sourceKey(of: nil) == "unknown")
    }

    @Test func countersAreMetricsAndTheWarningIsSampledPerMinute() {
        let counters = ListenerGuardCounters(listener: "push:tcp:127.0.0.1:7070")
        counters.countRefusal(.perSource)
        counters.countClose(.slowReader)
        counters.countClose(.slowReader)
        var collector = MetricsCollector()
        counters.collectMetrics(into: &collector)
        let labels: KeyValuePairs<String, String> = ["listener": "push:tcp:127.0.0.1:7070", "reason": "slow_reader"]
        #expect(collector.family("callwarden_listener_connections_closed_total")?.value(labels) == 2)
        #expect(counters.summary == "refused_per_source=1 closed_slow_reader=2")
        #expect(counters.warningDue(nowSeconds: 120))
        #expect(!counters.warningDue(nowSeconds: 150))
        #expect(counters.warningDue(nowSeconds: 180))
    }
}
