/// # CallwardenPorts
///
/// The domain's ports and the values that cross them, and nothing else: the storage ports the
/// store adapters implement (``EventStore``, ``RuleStore``, ``DetectionStore``, with
/// ``IngestBatch``, ``TailCheckpoint``, ``PushedEventKey``), the decision port the call path asks
/// (``CallDecider``, ``DecisionRequest``) and the ingest loop's source protocol in its two kinds
/// (``IngestSource``: ``CheckpointedSource``, ``AcknowledgedSource``). Adapters that only need a
/// port import this module, not the pipeline.
///
/// Allowed imports: CallModel. No code runs here beyond value initialisers.
