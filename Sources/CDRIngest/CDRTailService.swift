package import CallModel
package import CallPipeline
package import CDRParsing
package import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// A CDR file the daemon follows.
package struct CDRFileConfiguration: Sendable, Hashable {
    package var path: String
    /// Nil: detect from the first lines.
    package var format: CDRFormat?

    package init(path: String, format: CDRFormat?) {
        self.path = path
        self.format = format
    }
}

/// The daemon's CDR ingestion: follows every configured file, processes new lines through the
/// ``CallEventProcessor`` and commits events, detections, rules and the files' checkpoints in one
/// transaction per step, so a kill -9 at any moment loses and duplicates nothing.
///
/// One task owns the processor and the files; steps are at most ``maximumLinesPerStep`` lines per
/// file. A failed commit is retried with backoff (the batch is kept, the checkpoint has not moved,
/// and the file keeps what comes next) until it succeeds or the service is cancelled.
package struct CDRTailService: ServiceLifecycle.Service {
    package var files: [CDRFileConfiguration]
    package var decoderConfiguration: CDRDecoderConfiguration
    package var store: any EventStore
    /// Builds the processor, warmed up from the store; called once at the start of `run()`.
    package var makeProcessor: @Sendable () throws -> CallEventProcessor
    /// Receives the detections of each committed step (alert sinks come in later).
    package var onCommitted: @Sendable ([Detection]) -> Void
    package var pollInterval: Duration
    package var maximumLinesPerStep: Int
    package var logger: Logger

    package init(
        files: [CDRFileConfiguration], decoderConfiguration: CDRDecoderConfiguration, store: any EventStore,
        makeProcessor: @escaping @Sendable () throws -> CallEventProcessor,
        onCommitted: @escaping @Sendable ([Detection]) -> Void = { _ in },
        pollInterval: Duration = .milliseconds(500), maximumLinesPerStep: Int = 4_096, logger: Logger
    ) {
        self.files = files
        self.decoderConfiguration = decoderConfiguration
        self.store = store
        self.makeProcessor = makeProcessor
        self.onCommitted = onCommitted
        self.pollInterval = pollInterval
        self.maximumLinesPerStep = maximumLinesPerStep
        self.logger = logger
    }

    package func run() async throws {
        var processor = try makeProcessor()
        let sources = try files.map { file in
            CDRSource(
                path: file.path, format: file.format, decoderConfiguration: decoderConfiguration,
                resumingFrom: try store.checkpoint(forPath: file.path))
        }
        for source in sources {
            logger.info("following CDR file", metadata: ["cdr.file": "\(source.path)"])
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var progressed = false
            for source in sources {
                var batch = IngestBatch()
                let lines = source.step(
                    maximumLines: maximumLinesPerStep, processor: &processor, batch: &batch, logger: logger)
                guard lines > 0 else { continue }
                progressed = true
                batch.checkpoints = [source.tailer.checkpoint(at: WallClock.now())]
                guard try await commit(batch) else { return }
                if !batch.detections.isEmpty { onCommitted(batch.detections) }
            }
            if !progressed {
                try? await Task.sleep(for: pollInterval)
            }
        }
        logger.info("CDR tail stopped", metadata: ["cdr.files": "\(sources.count)"])
    }

    /// Commits with backoff. False when the service was cancelled before the commit succeeded.
    private func commit(_ batch: IngestBatch) async throws -> Bool {
        var delay = Duration.milliseconds(100)
        while true {
            do {
                try store.commit(batch)
                return true
            } catch {
                logger.error("store commit failed; retrying", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                if Task.isCancelled { return false }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }
}
