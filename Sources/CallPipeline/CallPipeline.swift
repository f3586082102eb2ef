/// # CallPipeline
///
/// The synchronous heart of Callwarden: records in → ``CallEvent``s → detection → an ``IngestBatch``
/// that an adapter commits in one transaction. Also owns the storage ports the adapters implement
/// (``EventStore``, ``RuleStore``, ``DetectionStore``) and in-memory implementations for tests.
///
/// Allowed imports: CallModel, CDRParsing, HarassmentDetection, MetricsExposition (the queue's counters),
/// Synchronization. No I/O happens here; every function
/// is synchronous and owned by one task at a time.
