package import CallModel
package import CallPipeline
package import CallwardenPorts
package import ListenerGuards
package import Logging
package import MetricsExposition
import PacketCapture
package import ServiceLifecycle

/// The SIP sources `serve` runs: for each configured `capture` and `hep` section, the capture
/// threads, the pushed source the ingest loop drains and the service that starts and stops them.
/// Deliberately not handled: several `capture` sections (one interface or `any` per daemon).
package struct SIPSources {
    package var pushedSources: [any PushedEventSource] = []
    package var services: [any Service] = []
    /// For `/metrics`: each source's pipeline counters and each capture thread's counters.
    package var metricsSources: [any MetricsSource] = []
    /// The HEP listeners' auth key, shared by the UDP and TCP listeners (a reload replaces it).
    package var hepAuthKey: ReloadableSetting<Secret?>?

    /// Opens everything configured. Capture needs CAP_NET_RAW; the error says so.
    /// - Throws: ``ConfigurationError`` naming the section when an interface, filter or port cannot be used.
    package init(configuration: CallwardenConfiguration, clock: WallClock, logger: Logger) throws {
        let ingest = configuration.sipIngestConfiguration
        if let capture = configuration.capture {
            // The capture thread decodes, parses and tracks dialogs itself and queues call events.
            let worker = SIPCaptureWorker(configuration: ingest)
            let live: LiveCapture
            do {
                live = try LiveCapture(configuration: capture.liveConfiguration, sink: worker)
            } catch {
                let hint = error.isPermissionDenied ? " (capture needs CAP_NET_RAW; see README, \"SIP capture and HEP\")" : ""
                throw ConfigurationError(key: "capture", reason: error.description + hint)
            }
            let source = SIPCaptureSource(name: "sip:capture", workers: [worker])
            pushedSources.append(source)
            services.append(SIPCaptureService(source: source, threads: [live], clock: clock, logger: logger))
            metricsSources += [source, live]
            logger.info(
                "SIP capture configured",
                metadata: ["capture.interface": "\(capture.interface)", "capture.filter": "\(live.filter)", "capture.link": "\(live.linkType)"])
        }
        if let hep = configuration.hep {
            // One configuration (so one auth key setting) for both listeners.
            let listenerConfiguration = hep.listenerConfiguration
            hepAuthKey = listenerConfiguration.reloadableAuthKey
            var threads: [any CaptureThread] = []
            // Each listener thread runs its own SIP pipeline (dialogs are tracked per listener).
            var workers: [SIPCaptureWorker] = []
            do {
                if hep.transport != .tcp {
                    let worker = SIPCaptureWorker(configuration: ingest)
                    threads.append(try HEPListener(configuration: listenerConfiguration, sink: worker))
                    workers.append(worker)
                }
                if hep.transport != .udp {
                    let worker = SIPCaptureWorker(configuration: ingest)
                    threads.append(try HEPStreamListener(configuration: listenerConfiguration, sink: worker))
                    workers.append(worker)
                }
            } catch {
                throw ConfigurationError(key: "hep", reason: error.description)
            }
            let source = SIPCaptureSource(name: "sip:hep", workers: workers)
            pushedSources.append(source)
            services.append(SIPCaptureService(source: source, threads: threads, clock: clock, logger: logger))
            metricsSources.append(source)
            metricsSources += threads.map { $0 as any MetricsSource }
            logger.info(
                "HEP listener configured",
                metadata: ["hep.address": "\(hep.address)", "hep.port": "\(hep.port)", "hep.transport": "\(hep.transport.rawValue)"])
        }
    }
}
