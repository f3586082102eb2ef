package import CallModel

/// Exponential backoff for failed deliveries: `initial × 2^(attempts−1)`, capped at `maximum`,
/// with up to 20 % jitter added so that several sinks do not retry in step.
///
/// Deliberately not handled: giving up. A retryable failure is retried for as long as the alert is
/// in the outbox's horizon (a week); only a receiver's definite refusal ends it.
package struct RetrySchedule: Hashable, Sendable {
    package var initial: TimeSpan
    package var maximum: TimeSpan

    package init(initial: TimeSpan = .seconds(1), maximum: TimeSpan = .minutes(5)) {
        self.initial = initial
        self.maximum = TimeSpan(microseconds: max(initial.microseconds, maximum.microseconds))
    }

    /// The wait after the `attempts`-th failure (1 for the first), jitter excluded.
    package func delay(afterAttempts attempts: Int) -> TimeSpan {
        let exponent = min(max(attempts - 1, 0), 30)
        let raw = initial.microseconds.multipliedReportingOverflow(by: Int64(1) << exponent)
        if raw.overflow || raw.partialValue > maximum.microseconds { return maximum }
        return TimeSpan(microseconds: raw.partialValue)
    }

    /// When to try again after the `attempts`-th failure at `now`, with jitter from `random`.
    package func retryTime(afterAttempts attempts: Int, now: Timestamp, random: inout some RandomNumberGenerator) -> Timestamp {
        let delay = delay(afterAttempts: attempts)
        let jitter = delay.microseconds / 5 > 0 ? Int64.random(in: 0...(delay.microseconds / 5), using: &random) : 0
        return now + TimeSpan(microseconds: delay.microseconds + jitter)
    }
}
