package import CallModel
package import CallwardenPorts
package import HarassmentDetection

/// Normalised events in, everything they cause out: the synchronous stage the daemon, `replay` and
/// the tests all run. Owns the detector and the call deduplicator; one owner at a time.
///
/// Hot-path budget: no I/O, no locks, no awaiting, no logging. The caller commits the
/// ``IngestBatch`` it fills (events, detection upserts, automatic rules) in one transaction.
package struct CallEventProcessor {
    private var detector: HarassmentDetector
    private var deduplicator: CallDeduplicator
    private let policy: ResponsePolicy
    /// How often (in event time) the detector is asked to evict state.
    private let tickInterval: TimeSpan
    private var nextTick: Timestamp?
    /// Episodes whose block/redirect rules were already issued, so updates do not repeat them.
    private var ruledEpisodes = EpisodeSet(generationCapacity: 50_000)

    package init(
        detector: HarassmentDetector,
        policy: ResponsePolicy,
        deduplicator: CallDeduplicator = CallDeduplicator(),
        tickInterval: TimeSpan = .minutes(1)
    ) {
        self.detector = detector
        self.policy = policy
        self.deduplicator = deduplicator
        self.tickInterval = tickInterval
    }

    /// Whether events are counted and detected here. False on a node of several sites, where
    /// the one cross-site detector counts every node's events (`CrossSiteDetection`): the node then
    /// only stores its events (``process(_:into:)`` appends them, nothing else).
    package var detects = true

    /// Detector state currently held, for the stats gauge.
    package var trackedKeyCount: Int { detector.trackedKeyCount }

    /// Calls forgotten by the witness correlation to stay within its capacity (see ``CallDeduplicator``).
    package var correlationEvictions: Int { deduplicator.evictions }

    /// Hands the store's allow list and escalation resets to the detector (see
    /// ``HarassmentDetection/CountingExemptions``); the builder calls it before ``warmUp(with:)``,
    /// the ingest loop whenever the rules refresher read new ones.
    package mutating func apply(_ exemptions: CountingExemptions) {
        detector.apply(exemptions)
    }

    /// Processes one event: appends it and whatever it caused to `batch`.
    /// The event is consumed: it is moved into the batch after the detector has read it, not copied.
    package mutating func process(_ event: consuming CallEvent, into batch: inout IngestBatch) {
        if detects { derive(from: event, into: &batch) }
        batch.events.append(event)
    }

    /// Feeds events that are already stored (after a restart) so that windows and escalation
    /// continue where they were. Nothing is emitted: those detections and rules are stored already.
    package mutating func warmUp<Events: Sequence<CallEvent>>(with events: Events) {
        guard detects else { return }
        var scratch = IngestBatch()
        for event in events {
            derive(from: event, into: &scratch)
            scratch = IngestBatch()
        }
    }

    private mutating func derive(from event: CallEvent, into batch: inout IngestBatch) {
        let time = event.countedTime
        if let due = nextTick {
            if time >= due {
                detector.tick(now: time)
                nextTick = time + tickInterval
            }
        } else {
            nextTick = time + tickInterval
        }
        // A later witness of a counted call (another source, another phase, a second CDR row)
        // is stored but counted nowhere; its first terminal report still gives number-hopping
        // the talk time.
        let witness = deduplicator.witness(event)
        guard witness.isNewCall || witness.isFirstTerminal else { return }
        let detections = detector.observe(event, isNewCall: witness.isNewCall)
        for detection in detections {
            batch.upsert(detection)
            guard detection.action == .block || detection.action == .redirect else { continue }
            if ruledEpisodes.insert(RuledEpisode(identity: detection.episodeIdentity, action: detection.action)) {
                batch.rules.append(contentsOf: policy.rules(for: detection))
            }
        }
    }
}

/// An episode and the action whose rules were issued for it (a step to another action issues its own).
struct RuledEpisode: Hashable {
    var identity: EpisodeIdentity
    var action: ResponseAction
}

/// A bounded set of episodes with two generations: when the current one is full it becomes the
/// previous one and the older is dropped.
struct EpisodeSet {
    let generationCapacity: Int
    private var current: Set<RuledEpisode> = []
    private var previous: Set<RuledEpisode> = []

    init(generationCapacity: Int) { self.generationCapacity = generationCapacity }

    /// Inserts `episode`; true when it was not there before.
    mutating func insert(_ episode: RuledEpisode) -> Bool {
        if current.contains(episode) || previous.contains(episode) { return false }
        if current.count >= generationCapacity {
            previous = current
            current = []
        }
        current.insert(episode)
        return true
    }
}
