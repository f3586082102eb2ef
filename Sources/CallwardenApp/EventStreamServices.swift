import CallwardenPorts
import EventStreams
import ListenerGuards
import Logging
import CallModel
import MetricsExposition
import NIOCore
import ServiceLifecycle

/// The listeners and clients the `push:`, `ami:`, `esl:` and `evapi:` sections ask for, built for
/// the daemon: their queues go to the ingest loop as acknowledged sources, the services themselves run
/// after the ingest loop in the service group (so they stop before it: stop accepting, let the
/// loop commit what was read, then the loop stops, then the store closes).
struct EventStreamServices {
    var sources: [any AcknowledgedSource] = []
    /// Listeners (each with its ``ListenerBinding``), then the AMI, ESL and evapi clients.
    var services: [DaemonService] = []
    /// For `/metrics`: each listener (its queue and open connections) and each client's queue.
    var metricsSources: [any MetricsSource] = []
    /// Each push listener's `AUTH` secret by the listener's name (a reload replaces them).
    var pushSecrets: [String: ReloadableSetting<Secret?>] = [:]

    /// The ingest loop's longest sleep while streams are configured: pushed events wait at most
    /// this long for the loop (and a push sender for its `OK`) when the loop was idle.
    static let pollIntervalWithStreams = TimeSpan(microseconds: 20_000)

    init(configuration: CallwardenConfiguration, clock: WallClock, logger: Logger) {
        let settings = configuration.streams
        let decoder = configuration.decoderConfiguration
        for listenerConfiguration in settings.listeners {
            let listener = PushListener(
                configuration: listenerConfiguration, decoderConfiguration: decoder, logger: logger)
            let binding = ListenerBinding(key: "push.listeners", requested: "\(listenerConfiguration.endpoint)")
            listener.localAddress.whenComplete { result in
                switch result {
                case .success(let address): binding.bound(address)
                case .failure(let error): binding.failed(error)
                }
            }
            sources.append(listener.queue)
            pushSecrets[listenerConfiguration.name] = listener.secret
            services.append(DaemonService(name: listenerConfiguration.name, service: listener, listener: binding))
            metricsSources.append(listener)
            metricsSources.append(listener.connectionGuard.counters)
        }
        if let ami = settings.ami {
            let client = AMIClient(
                configuration: ami.client, username: ami.username, secret: ami.secret,
                decoderConfiguration: decoder, clock: clock, logger: logger)
            sources.append(client.queue)
            services.append(DaemonService(name: "ami", service: client))
            metricsSources.append(client.queue)
        }
        if let esl = settings.esl {
            let client = ESLClient(
                configuration: esl.client, password: esl.password, decoderConfiguration: decoder, clock: clock, logger: logger)
            sources.append(client.queue)
            services.append(DaemonService(name: "esl", service: client))
            metricsSources.append(client.queue)
        }
        if let evapi = settings.evapi {
            let client = EvapiClient(configuration: evapi, decoderConfiguration: decoder, logger: logger)
            sources.append(client.queue)
            services.append(DaemonService(name: "evapi", service: client))
            metricsSources.append(client.queue)
        }
    }
}
