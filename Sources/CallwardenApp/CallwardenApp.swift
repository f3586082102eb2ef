/// # CallwardenApp
///
/// The composition root: reads and validates the configuration (``CallwardenConfiguration``),
/// opens the store, builds the processor and the services in dependency order, and runs them
/// (``Daemon``), or runs files through the same pipeline once (``ReplayRunner``).
///
/// It is the only module that knows every other one; nothing imports it but the executable and tests.
