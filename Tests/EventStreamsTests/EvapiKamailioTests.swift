import CallModel
import EventStreams
import Foundation
import Testing

/// The Kamailio path end to end: SIPp calls through a real Kamailio running the shipped
/// kamailio-evapi.cfg; Kamailio relays the events over evapi; the evapi client stores them.
@Suite(
    .timeLimit(.minutes(3)),
    .enabled(if: KamailioLab.isAvailable, "needs kamailio, kamailio-extra-modules, kamailio-json-modules and sip-tester (scripts/test installs them)"))
struct EvapiKamailioTests {
    @Test func theShippedConfigurationIsAcceptedByKamailio() async throws {
        let harness = try StreamHarness("kamailio-check")
        let lab = try KamailioLab(directory: harness.directory)
        #expect(try await lab.check(KamailioLab.packageRoot + "/Config/kamailio/kamailio-evapi.cfg") == 0)
    }

    @Test func sippCallsThroughKamailioAreStoredWithTheirSIPCallIDs() async throws {
        let harness = try StreamHarness("evapi")
        let lab = try KamailioLab(directory: harness.directory)
        defer { lab.stop() }
        let configuration = try lab.writeConfiguration()
        #expect(try await lab.check(configuration) == 0)
        try lab.startKamailio(configuration)
        try lab.startUAS()
        let client = EvapiClient(
            configuration: ClientConfiguration(
                host: "127.0.0.1", port: lab.evapiPort, initialBackoff: .milliseconds(50), maximumBackoff: .milliseconds(250)),
            decoderConfiguration: StreamHarness.decoderConfiguration, logger: StreamHarness.quietLogger)
        let status = try await harness.run(services: [client], sources: [client.queue]) {
            // Kamailio takes a moment to start: the client keeps retrying until evapi accepts it.
            for _ in 0..<1_000 where client.queue.counters.snapshot.connectionsOpened == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            let status = try await lab.runCalls(3)
            _ = try await harness.waitForEvents(9)
            return status
        }
        #expect(status == 0)
        let events = try harness.storedEvents()
        let byCall = Dictionary(grouping: events, by: \.callID)
        #expect(byCall.count == 3)
        for (callID, phases) in byCall {
            #expect(callID.hasSuffix("@127.0.0.1"))
            #expect(Set(phases.map(\.phase)) == [.started, .answered, .ended])
        }
        #expect(events.allSatisfy { $0.source == .sip && $0.callee.key == "1001" })
        #expect(client.queue.counters.snapshot.malformedRecords == 0)
    }
}
