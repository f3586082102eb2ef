/// # CDRIngest
///
/// The file adapter of the ingest loop: follows CDR files as a PBX writes them (``FileTailer``)
/// and decodes each complete line (``CDRSource``, a ``CallwardenPorts/CheckpointedSource``). The
/// file on disk is the queue in front of the loop: nothing is dropped when the store is slow, the
/// tail simply lags and catches up. The loop itself is `Ingest.IngestLoop`.
///
/// Allowed imports: CallModel, CallwardenPorts, CDRParsing, CallPipeline (replay's processor), Logging, Glibc.
