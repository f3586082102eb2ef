/// # Ingest
///
/// The daemon's one ingest loop (``IngestLoop``): it reads every ``CallwardenPorts/IngestSource``
/// (checkpointed CDR files, acknowledged pushed sources), runs what it read through the
/// ``CallPipeline/CallEventProcessor`` and commits one ``CallwardenPorts/IngestBatch`` per step.
/// It runs on a thread of its own: every blocking store call it makes happens there, never on the
/// cooperative pool. ``BoundedEventQueue`` is the lock-free queue acknowledged sources without a
/// sender to acknowledge (decision requests) put their events in; ``IngestLoopMetrics`` counts
/// what the loop committed; ``DedicatedThread`` runs other blocking start-up work off the pool.
///
/// Allowed imports: CallModel, CallwardenPorts, CallPipeline, MetricsExposition, Logging,
/// ServiceLifecycle, Foundation (`Thread`, `NSCondition`), Synchronization.
