import CaptureIngest
package import CallPipeline
package import CallwardenPorts
package import Logging
package import MetricsExposition
import PacketCapture
import PacketDecoding
package import ServiceLifecycle

/// The SIP sources `serve` runs: for each configured `capture` and `hep` section, the capture
/// threads, the pushed source the ingest loop drains and the service that starts and stops them.
/// Deliberately not handled: several `capture` sections (one interface or `any` per daemon).
package struct SIPSources {
    package var pushedSources: [any PushedEventSource] = []
    package var services: [any Service] = []
    /// For `/metrics`: each source's pipeline counters and each capture thread's counters.
    package var metricsSources: [any MetricsSource] = []

    /// Opens everything configured. Capture needs CAP_NET_RAW; the error says so.
    /// - Throws: ``ConfigurationError`` naming the section when an interface, filter or port cannot be used.
    package init(configuration: CallwardenConfiguration, logger: Logger) throws {
        let ingest = configuration.sipIngestConfiguration
        if let capture = configuration.capture {
            let live: LiveCapture
            do {
                live = try LiveCapture(configuration: capture.liveConfiguration)
            } catch {
                let hint = error.isPermissionDenied ? " (capture needs CAP_NET_RAW; see README, \"SIP capture and HEP\")" : ""
                throw ConfigurationError(key: "capture", reason: error.description + hint)
            }
            let source = SIPCaptureSource(name: "sip:capture", input: .frames(live.frames), configuration: ingest)
            pushedSources.append(source)
            services.append(SIPCaptureService(source: source, threads: [live], logger: logger))
            metricsSources += [source, live]
            logger.info(
                "SIP capture configured",
                metadata: ["capture.interface": "\(capture.interface)", "capture.filter": "\(live.filter)", "capture.link": "\(live.linkType)"])
        }
        if let hep = configuration.hep {
            var threads: [any CaptureThread] = []
            var queues: [BoundedQueue<SIPPayload>] = []
            do {
                if hep.transport != .tcp {
                    let listener = try HEPListener(configuration: hep.listenerConfiguration)
                    threads.append(listener)
                    queues.append(listener.payloads)
                }
                if hep.transport != .udp {
                    let listener = try HEPStreamListener(configuration: hep.listenerConfiguration)
                    threads.append(listener)
                    queues.append(listener.payloads)
                }
            } catch {
                throw ConfigurationError(key: "hep", reason: error.description)
            }
            let source = SIPCaptureSource(name: "sip:hep", input: .payloads(queues), configuration: ingest)
            pushedSources.append(source)
            services.append(SIPCaptureService(source: source, threads: threads, logger: logger))
            metricsSources.append(source)
            metricsSources += threads.map { $0 as any MetricsSource }
            logger.info(
                "HEP listener configured",
                metadata: ["hep.address": "\(hep.address)", "hep.port": "\(hep.port)", "hep.transport": "\(hep.transport.rawValue)"])
        }
    }
}
