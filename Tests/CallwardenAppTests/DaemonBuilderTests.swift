import CallwardenApp
import Foundation
import NIOCore
import Testing

/// The builder `serve` and the tests share: every listener on port 0 is bound, and reported with
/// its real port, before the daemon is ready; the services run in the builder's one order; a
/// listener that cannot bind stops start-up with its configuration key and address.
struct DaemonBuilderTests {
    static let everyListener = """
        decision:
          http: 127.0.0.1:0
          request_timeout: 60s  # a bound for a loaded test run (the default is 5s)
          agi: 127.0.0.1:0
        metrics:
          http: 127.0.0.1:0
        api:
          listen: 127.0.0.1:0
        push:
          listeners:
            - tcp: 127.0.0.1:0
              format: jsonl
        logging:
          level: warning
        """

    @Test("every listener binds port 0 and its real address is known when the daemon is ready")
    func everyListenerIsBoundWhenReady() async throws {
        let directory = try TestSupport.temporaryDirectory("builder-listeners")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try TestSupport.writeConfiguration(in: directory, sections: Self.everyListener)
        try await TestSupport.withDaemon(config: config) { daemon, addresses in
            let push = try #require(addresses.keys.first { $0.hasPrefix("push:tcp:") })
            for key in ["decision.http", "decision.agi", "metrics.http", "api.listen", push] {
                let port = TestSupport.port(addresses, key)
                #expect(port > 0, "\(key) bound to \(String(describing: addresses[key]))")
                // Bound means accepting: a plain connection succeeds at once.
                #expect(BlockingLineSocket(port: port) != nil, "\(key) accepts on \(port)")
            }
            // The one order: metrics first (stops last), the ingest loop before the sources that feed
            // it (which stop before its final drain).
            let names = daemon.services.map(\.name)
            #expect(names.first == "metrics.http")
            let ingest = try #require(names.firstIndex(of: "ingest"))
            for feeder in ["decision.http", "decision.agi", push] {
                #expect(try #require(names.firstIndex(of: feeder)) > ingest, "\(feeder) starts after the ingest loop")
            }
        }
    }

    @Test("a listener whose address is taken stops start-up with its key and address")
    func aTakenAddressNamesItsKey() async throws {
        let directory = try TestSupport.temporaryDirectory("builder-taken")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try TestSupport.writeConfiguration(
            in: directory,
            sections: """
                decision:
                  http: 127.0.0.1:0
                  request_timeout: 60s  # a bound for a loaded test run (the default is 5s)
                """)
        try await TestSupport.withDaemon(config: first) { _, addresses in
            let taken = TestSupport.port(addresses, "decision.http")
            let second = directory + "/second"
            try FileManager.default.createDirectory(atPath: second, withIntermediateDirectories: true)
            let config = try TestSupport.writeConfiguration(
                in: second,
                sections: """
                    decision:
                      http: 127.0.0.1:\(taken)
                    """)
            let configuration = try CallwardenConfiguration.load(path: config)
            let daemon = try await buildDaemon(configuration: configuration, logger: TestSupport.daemonLogger)
            await #expect {
                try await daemon.run()
            } throws: { error in
                "\(error)".hasPrefix("decision.http 127.0.0.1:\(taken): ")
            }
            await #expect(throws: (any Error).self) { try await daemon.ready() }
        }
    }
}
