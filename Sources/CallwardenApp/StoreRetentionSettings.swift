package import CallModel

/// The `store.retention` section: what housekeeping removes from the store, and how often it
/// looks (docs/privacy.md says why each period is what it is).
///
/// Keys (defaults in brackets):
/// - `calls` [90d]: ordinary callers' call records (and decision questions) go this long after the
///   call; a call an incident rests on (linked or flagged) stays with its incident. At least the
///   longest detection window (the warm-up horizon), or detection would forget calls it counts.
/// - `incidents` [730d]: a closed incident goes, with everything it rests on (calls, links,
///   detections, log, MCID flags, recording links, alerts, its audit entries), this long after its
///   last change; the purge is recorded in the audit log (counts only). An incident that is not
///   closed is under legal hold and never purged. At least 30d.
/// - `delivered_alerts` [30d]: alerts in the outbox older than this go once no configured sink
///   still has them pending (each confirmed or refused them for good, or they passed the outbox's
///   one-week delivery horizon), except the latest alert of every incident that is not closed
///   (Alertmanager sinks re-send it while the incident is active). At least 1d.
/// - `pushed_event_keys` [7d]: the idempotency keys of pushed events go this long after the event
///   was stored. A sender resends only what it never saw acknowledged, when it reconnects after an
///   outage of Callwarden or of the link; a week covers a long weekend's outage with margin, while
///   AMI, ESL, evapi, SIP capture and the decision service never resend. A resend later than this
///   is stored twice (detection counts its call once either way). At least 1d.
/// - `purge_interval` [1h]: how often housekeeping runs (and once at start-up); 1m to 1d.
///
/// Deliberately not handled: shrinking the file (SQLite reuses freed pages;
/// run `VACUUM` offline to give them back to the file system).
package struct StoreRetentionSettings: Sendable, Hashable {
    package var calls = TimeSpan.days(90)
    package var incidents = TimeSpan.days(730)
    package var deliveredAlerts = TimeSpan.days(30)
    package var pushedEventKeys = TimeSpan.days(7)
    package var purgeInterval = TimeSpan.hours(1)

    package init() {}

    static func read(_ node: ConfigNode) -> StoreRetentionSettings {
        var settings = StoreRetentionSettings()
        settings.calls = node.duration("calls", default: settings.calls)
        settings.incidents = node.duration("incidents", default: settings.incidents)
        if settings.incidents < .days(30) { node.fail("incidents", "must be at least 30d") }
        settings.deliveredAlerts = node.duration("delivered_alerts", default: settings.deliveredAlerts)
        if settings.deliveredAlerts < .days(1) { node.fail("delivered_alerts", "must be at least 1d") }
        settings.pushedEventKeys = node.duration("pushed_event_keys", default: settings.pushedEventKeys)
        if settings.pushedEventKeys < .days(1) {
            node.fail("pushed_event_keys", "must be at least 1d (a sender reconnecting later would have its resends stored twice)")
        }
        settings.purgeInterval = node.duration("purge_interval", default: settings.purgeInterval)
        if settings.purgeInterval < .minutes(1) || settings.purgeInterval > .days(1) {
            node.fail("purge_interval", "must be between 1m and 1d")
        }
        return settings
    }
}
