/// # CallPipeline
///
/// The synchronous heart of Callwarden: records in → ``CallEvent``s → detection → an
/// `IngestBatch` (a ``CallwardenPorts`` value) that the ingest loop commits in one transaction.
/// The storage and decision ports themselves live in ``CallwardenPorts``.
///
/// Allowed imports: CallModel, CallwardenPorts, CDRParsing, HarassmentDetection. No I/O happens
/// here; every function is synchronous and owned by one task at a time.
package import CallwardenPorts

/// The ingest loop's acknowledged source kind under its earlier name, for adapters that still
/// conform by that name.
package typealias PushedEventSource = AcknowledgedSource
