import CPcap
package import Logging
import MetricsExposition
import SIPDialogs
import ServiceLifecycle
package import CallModel


/// Runs the capture threads behind one ``SIPCaptureSource`` for the daemon's service group: starts
/// them, writes at most one warning per ``logInterval`` about what was dropped since the last one
/// (malformed packets and SIP messages by reason, queue drops; never their content), and on
/// graceful shutdown stops the threads, so the ingest loop's last drain finds every call event
/// they queued, and logs the source's and threads' metric series once. The ingest loop, not this
/// service, drains the source; the daemon registers the source and threads for `/metrics`.
///
/// A thread that fails to start ends `run()` with its error (the service group then stops the
/// daemon: a configured capture that cannot run is not silently skipped).
/// Deliberately not handled: restarting a capture thread that ended with a read error (it is
/// logged once; restart the daemon).
package struct SIPCaptureService: Service {
    package let source: SIPCaptureSource
    package let threads: [any CaptureThread]
    package let logInterval: Duration
    package let logger: Logger
    /// Processing time: when a drop report is due (the daemon's injected clock).
    package let clock: WallClock

    package init(
        source: SIPCaptureSource, threads: [any CaptureThread], logInterval: Duration = .seconds(60), clock: WallClock,
        logger: Logger
    ) {
        self.clock = clock
        self.source = source
        self.threads = threads
        self.logInterval = logInterval
        self.logger = logger
    }

    package func run() async throws {
        for thread in threads { try thread.start() }
        logger.info("SIP capture started", metadata: ["sip.source": "\(source.name)"])
        var sampler = SIPDropSampler(interval: TimeSpan(microseconds: Self.microseconds(logInterval)))
        var failureLogged = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let interval = logInterval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            report(&sampler)
            if !failureLogged, let failure = threads.lazy.compactMap(\.failure).first {
                logger.error("SIP capture stopped with an error", metadata: ["sip.source": "\(source.name)", "error": "\(failure)"])
                failureLogged = true
            }
        }
        for thread in threads { thread.stop() }
        // The same series `/metrics` shows, as they stand at the end (the source's last drain comes later).
        var collector = MetricsCollector()
        source.collectMetrics(into: &collector)
        for thread in threads { thread.collectMetrics(into: &collector) }
        var metadata: Logger.Metadata = ["sip.source": "\(source.name)"]
        for (series, value) in collector.compactSeries { metadata[series] = "\(PrometheusTextFormat.format(value))" }
        logger.info("SIP capture stopped", metadata: metadata)
    }

    private func report(_ sampler: inout SIPDropSampler) {
        guard let report = sampler.report(source.counters, queueDrops: source.queueDrops, now: clock.now())
        else { return }
        var metadata: Logger.Metadata = [
            "sip.source": "\(source.name)", "sip.dropped": "\(report.total)", "sip.dropped.queue": "\(report.queueDrops)",
        ]
        for drop in report.drops.prefix(8) { metadata[drop.name] = "\(drop.count)" }
        logger.warning("SIP input dropped since the last report", metadata: metadata)
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
    }
}
