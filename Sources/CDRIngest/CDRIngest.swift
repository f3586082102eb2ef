/// # CDRIngest
///
/// Follows CDR files as a PBX writes them (``FileTailer``) and drives each complete line through
/// the decoder and the ``CallEventProcessor`` into one committed ``IngestBatch`` per step
/// (``CDRTailService``). The file on disk is the queue in front of this stage: nothing is dropped
/// when the store is slow, the tail simply lags and catches up.
///
/// ``IngestLoopMetrics`` counts what the loop committed, for `/metrics`.
///
/// Allowed imports: CallModel, CDRParsing, CallPipeline, MetricsExposition, Logging, ServiceLifecycle, Glibc.
