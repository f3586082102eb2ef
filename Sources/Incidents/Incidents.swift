/// # Incidents
///
/// The incident model: kinds and their severities, the lifecycle (open → acknowledged →
/// reported-to-police → closed), how detections group into incidents, MCID requests, the alert
/// notices an incident change puts into the outbox, the ``IncidentLedger`` that decides from a
/// change and the current state what a store writes, and the ports the adapters implement
/// (``IncidentStore``, ``AlertOutbox``, ``RecordingStore``).
///
/// Allowed imports: CallModel. Pure: no I/O, no Foundation, no clocks (callers pass times in).
