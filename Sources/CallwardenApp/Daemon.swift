import CallModel
import CallPipeline
import CDRIngest
package import Logging
import ServiceLifecycle
import UnixSignals
import SQLiteStore

/// `callwarden serve`: the long-running daemon.
///
/// Start-up order: configuration (validated, fails fast) → store (opened, migrated) → processor
/// (warmed up from the store's recent events, so windows and escalation continue across restarts)
/// → CDR tail (resumes from committed checkpoints) → `READY=1` to systemd.
/// Shutdown (SIGTERM/SIGINT): `STOPPING=1`; the tail finishes its current step (its commit is
/// atomic, so whatever it had read is either stored with its checkpoint or read again next time);
/// the store closes last.
package struct Daemon {
    package var configuration: CallwardenConfiguration
    package var logger: Logger

    package init(configuration: CallwardenConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    package func run() async throws {
        let store = try SQLiteStore(path: configuration.storePath)
        logger.info("store opened", metadata: ["store.path": "\(configuration.storePath)"])
        let configuration = self.configuration
        let logger = self.logger
        let detectionLogger = DetectionLogger(logger: logger)
        let tail = CDRTailService(
            files: configuration.cdrFiles,
            decoderConfiguration: configuration.decoderConfiguration,
            store: store,
            makeProcessor: {
                var processor = configuration.makeProcessor()
                let since = WallClock.now() - configuration.warmUpHorizon
                let history = try store.events(countedSince: since, limit: 2_000_000)
                processor.warmUp(with: history)
                logger.info("detector warmed up", metadata: ["warmup.events": "\(history.count)"])
                return processor
            },
            onCommitted: { detectionLogger.log($0) },
            pollInterval: .microseconds(configuration.pollInterval.microseconds),
            logger: logger
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: tail)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
        SystemdNotifier.notify("READY=1\nSTATUS=following \(configuration.cdrFiles.count) CDR file(s)")
        logger.info("callwarden running", metadata: ["cdr.files": "\(configuration.cdrFiles.count)"])
        defer {
            SystemdNotifier.notify("STOPPING=1")
            logger.info("callwarden stopped")
        }
        try await group.run()
    }
}
