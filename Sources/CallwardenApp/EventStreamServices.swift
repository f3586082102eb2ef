import CallPipeline
import EventStreams
import Logging
import CallModel
import MetricsExposition
import ServiceLifecycle

/// The listeners and clients the `push:`, `ami:`, `esl:` and `evapi:` sections ask for, built for
/// the daemon: their queues go to the ingest loop as pushed sources, the services themselves run
/// after the ingest loop in the service group (so they stop before it: stop accepting, let the
/// loop commit what was read, then the loop stops, then the store closes).
struct EventStreamServices {
    var sources: [any PushedEventSource] = []
    var services: [any Service] = []
    /// For `/metrics`: each listener (its queue and open connections) and each client's queue.
    var metricsSources: [any MetricsSource] = []

    /// The ingest loop's longest sleep while streams are configured: pushed events wait at most
    /// this long for the loop (and a push sender for its `OK`) when the loop was idle.
    static let pollIntervalWithStreams = TimeSpan(microseconds: 20_000)

    init(configuration: CallwardenConfiguration, logger: Logger) {
        let settings = configuration.streams
        let decoder = configuration.decoderConfiguration
        for listenerConfiguration in settings.listeners {
            let listener = PushListener(
                configuration: listenerConfiguration, decoderConfiguration: decoder, logger: logger)
            sources.append(listener.queue)
            services.append(listener)
            metricsSources.append(listener)
        }
        if let ami = settings.ami {
            let client = AMIClient(
                configuration: ami.client, username: ami.username, secret: ami.secret,
                decoderConfiguration: decoder, logger: logger)
            sources.append(client.queue)
            services.append(client)
            metricsSources.append(client.queue)
        }
        if let esl = settings.esl {
            let client = ESLClient(configuration: esl.client, password: esl.password, decoderConfiguration: decoder, logger: logger)
            sources.append(client.queue)
            services.append(client)
            metricsSources.append(client.queue)
        }
        if let evapi = settings.evapi {
            let client = EvapiClient(configuration: evapi, decoderConfiguration: decoder, logger: logger)
            sources.append(client.queue)
            services.append(client)
            metricsSources.append(client.queue)
        }
    }
}
