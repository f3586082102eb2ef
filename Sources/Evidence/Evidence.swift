/// # Evidence
///
/// Recordings and evidence bundles: ``RecordingWatcher`` links recording files to calls by their
/// names (Asterisk MixMonitor / FreePBX uniqueid, or a Call-ID pattern) and stores each file's
/// size and SHA-256; ``EvidenceVerifier`` re-hashes them and reports missing or altered files;
/// ``EvidenceExporter`` writes the bundle a police officer reads without Callwarden.
///
/// Allowed imports: CallModel, Incidents, Crypto, Logging, ServiceLifecycle, Foundation and Glibc (files).
