/// # RuleMatching: the lock-free rule matcher on the call path
///
/// Rules from the store are compiled off the hot path into an immutable ``RuleSnapshot`` (one
/// allocation of flat records and open-addressing tables, see ``RuleSnapshotCompiler``) and
/// published to reader threads by a ``RulePublisher`` with epoch-based reclamation. Deciding a
/// call (``RuleReader``) takes no lock, does no I/O, never waits on the writer, does no reference
/// counting and allocates nothing.
///
/// ## Precedence (every clause is tested in RuleMatchingTests)
///
/// 1. **An expired rule is gone.** A rule whose `expiresAt` is at or before the decision's time is
///    treated as if it were not there (shorter matches and the global scope are still consulted).
/// 2. **A rule whose schedule is not in force is skipped**, the same way. Schedules are judged on
///    the deployment's local clock (see ``CallModel/RuleSchedule`` for windows past midnight).
/// 3. **The caller is matched by the counted identity:** the network-asserted identity
///    (P-Asserted-Identity) first, the presented number otherwise
///    (``CallModel/CallerIdentity/countedNumber``).
/// 4. **Unidentified callers match only `unidentified` rules**, and identified callers never do.
///    A caller that is an internal extension without a number matches nothing.
/// 5. **Scoped beats global.** Rules scoped to the callee's key are consulted first; only when none
///    of them is in force for the caller are the global rules consulted. So an employee's own allow
///    entry lets a globally blocked number through to that employee, and an employee's own block
///    stops a number the organisation allows.
/// 6. **Within a scope the longest match wins:** an exact number is longer than any prefix, a
///    longer prefix beats a shorter one.
/// 7. **An `allow` overrides a block, redirect or flag of equal or shorter prefix.** With (6) this
///    means: at the longest matching key, an allow in force wins over any other action there.
/// 8. **Among rules of the same key that are not allow: block, then redirect, then flag; then the
///    lowest rule id.** Deterministic, and the most protective action first.
/// 9. **No rule in force matches: the call is allowed** (``RuleOutcome/noMatch``).
///
/// Deliberately not handled here: normalising what the PBX sends (the transport builds the
/// ``CallModel/CallerIdentity`` with the deployment's ``CallModel/NumberPlan``), recording the
/// decision as a call event, and reading the store (the app's refresher compiles and publishes).
enum RuleMatchingModule {}
