import ArgumentParser
import CallModel
import CallPipeline
import DecisionService
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The decision service (HTTP and FastAGI) over a fixed table of callers, for the PBX end-to-end
/// test (`scripts/test-pbx-e2e`) and for trying a PBX configuration by hand.
///
/// Not the daemon: `callwarden serve` wires the same transports to the real rule matcher and the
/// store. Here decision events are counted and discarded.
@main
struct DecisionFixtureServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decision-fixture-server",
        abstract: "Serve Callwarden's decision API over a fixed caller table (testing only).",
        discussion: """
            The table file has one rule a line, fields separated by tabs or spaces:
              CALLER ACTION TARGET RULE-ID REASON...
            CALLER is a number in any form the number plan understands, or `unidentified`;
            ACTION is allow, block, redirect or flag; TARGET is the redirect number or `-`.
            Lines starting with # are comments.
            """)

    @Option(help: "Address to bind both servers to.") var host = "127.0.0.1"
    @Option(help: "HTTP port (0: pick a free one).") var httpPort = 8750
    @Option(help: "FastAGI port (0: pick a free one; -1: no FastAGI).") var agiPort = -1
    @Option(help: "The caller table.") var rules: String
    @Option(help: "Number plan: FI, SE, RU, DE or GB.") var country = "GB"

    func run() async throws {
        var logger = Logger(label: "decision-fixture-server")
        logger.logLevel = .info
        guard let plan = NumberPlan.byCountry[country.uppercased()] else {
            throw ValidationError("unknown country \(country)")
        }
        let table = try CallerTable.load(path: rules, plan: plan)
        let queue = BoundedEventQueue(minimumCapacity: 4_096)
        let screener = CallScreener(decider: table, plan: plan, sink: queue, metrics: DecisionMetrics())
        var services: [any Service] = [
            DecisionHTTPServer.application(
                configuration: DecisionHTTPConfiguration(host: host, port: httpPort), screener: screener,
                logger: logger,
                onServerRunning: { channel in
                    print("http listening on \(channel.localAddress?.port ?? 0)")
                }),
        ]
        if agiPort >= 0 {
            services.append(
                FastAGIServer(
                    configuration: FastAGIConfiguration(host: host, port: agiPort), screener: screener, logger: logger,
                    onListening: { print("fastagi listening on \($0.port ?? 0)") }))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
