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

/// The daemon's ingest loop: follows every configured CDR file, drains every pushed source,
/// processes what it read through the ``CallEventProcessor`` and commits events, detections, rules
/// and the files' checkpoints in one transaction per step, so a kill -9 at any moment loses and
/// duplicates nothing that came from a file (pushed events are as durable as their source's queue:
/// an event drained but not yet committed when the process dies is lost).
///
/// One task owns the processor, the files and the draining; steps are at most
/// ``maximumLinesPerStep`` lines per file or events per pushed source. A failed commit is retried with backoff (the batch is kept, the checkpoint has not moved,
/// and the file keeps what comes next) until it succeeds or the service is cancelled.
package struct CDRTailService: ServiceLifecycle.Service {
    package let files: [CDRFileConfiguration]
    package let pushedSources: [any PushedEventSource]
    package var decoderConfiguration: CDRDecoderConfiguration
    package var store: any EventStore
    /// Builds the processor, warmed up from the store; called once at the start of `run()`.
    package var makeProcessor: @Sendable () throws -> CallEventProcessor
    /// Receives the detections of each committed step (alert sinks come in later).
    package var onCommitted: @Sendable ([Detection]) -> Void
    package var pollInterval: Duration
    package var maximumLinesPerStep: Int
    package var logger: Logger
    /// What the loop counts, for `/metrics` (made here from ``files`` and ``pushedSources``).
    package let metrics: IngestLoopMetrics

    package init(
        files: [CDRFileConfiguration], pushedSources: [any PushedEventSource] = [],
        decoderConfiguration: CDRDecoderConfiguration, store: any EventStore,
        makeProcessor: @escaping @Sendable () throws -> CallEventProcessor,
        onCommitted: @escaping @Sendable ([Detection]) -> Void = { _ in },
        pollInterval: Duration = .milliseconds(500), maximumLinesPerStep: Int = 4_096, logger: Logger
    ) {
        self.files = files
        self.pushedSources = pushedSources
        self.decoderConfiguration = decoderConfiguration
        self.store = store
        self.makeProcessor = makeProcessor
        self.onCommitted = onCommitted
        self.pollInterval = pollInterval
        self.maximumLinesPerStep = maximumLinesPerStep
        self.logger = logger
        self.metrics = IngestLoopMetrics(files: files.map(\.path), pushedSources: pushedSources.map(\.name))
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
        var drained: [CallEvent] = []
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var progressed = false
            for (index, source) in sources.enumerated() {
                var batch = IngestBatch()
                let lines = source.step(
                    maximumLines: maximumLinesPerStep, processor: &processor, batch: &batch, logger: logger)
                guard lines > 0 else { continue }
                progressed = true
                batch.checkpoints = [source.tailer.checkpoint(at: WallClock.now())]
                guard try await commit(batch) else { return }
                metrics.countCommitted(file: index, lines: lines, malformed: batch.malformedCount, events: batch.events.count)
                if !batch.detections.isEmpty { onCommitted(batch.detections) }
            }
            guard let drainedAny = try await drainPushedSources(processor: &processor, scratch: &drained) else { return }
            metrics.roundFinished(atMicroseconds: WallClock.now().microsecondsSinceEpoch)
            if !progressed && !drainedAny {
                // Shutdown ends the wait at once rather than after a whole poll interval.
                let interval = pollInterval
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            }
        }
        // What the pushed sources still hold was accepted from their senders: store it before stopping
        // (a bounded number of rounds, in case a source is still being fed).
        for _ in 0..<64 {
            guard let drainedAny = try await drainPushedSources(processor: &processor, scratch: &drained), drainedAny
            else { break }
        }
        logger.info("CDR tail stopped", metadata: ["cdr.files": "\(sources.count)"])
    }

    /// Drains each pushed source once and commits what came; nil when the service was cancelled
    /// before a commit succeeded, else whether anything was drained.
    private func drainPushedSources(processor: inout CallEventProcessor, scratch: inout [CallEvent]) async throws -> Bool? {
        var drainedAny = false
        for (index, source) in pushedSources.enumerated() {
            scratch.removeAll(keepingCapacity: true)
            guard source.drain(into: &scratch, maximum: maximumLinesPerStep) > 0 else { continue }
            drainedAny = true
            var batch = IngestBatch()
            for event in scratch { processor.process(event, into: &batch) }
            guard try await commit(batch, pushed: true) else { return nil }
            metrics.countCommitted(pushedSource: index, events: scratch.count)
            source.didCommit(scratch.count)
            if !batch.detections.isEmpty { onCommitted(batch.detections) }
        }
        return drainedAny
    }

    /// Commits with backoff. False when the service was cancelled before the commit succeeded.
    private func commit(_ batch: IngestBatch, pushed: Bool = false) async throws -> Bool {
        var delay = Duration.milliseconds(100)
        while true {
            do {
                if pushed { try store.commitPushed(batch) } else { try store.commit(batch) }
                return true
            } catch {
                metrics.countCommitFailure()
                logger.error("store commit failed; retrying", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                if Task.isCancelled { return false }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }
}
