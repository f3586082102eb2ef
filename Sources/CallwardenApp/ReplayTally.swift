package import CallModel
package import CallwardenPorts
import Synchronization

/// What `replay` keeps by default instead of a throwaway SQLite file: the totals and detections its
/// report shows, counted exactly as ``SQLiteStore`` would store them, so the report is the same.
///
/// - events: every event of every committed batch (the store inserts each one);
/// - calls: distinct call ids compared by their UTF-8 bytes, as SQLite's `SELECT DISTINCT call_id`
///   (a `TEXT` column with the binary collation, the text bound whole) counts them — not by Swift's
///   `String` equality, which would merge two canonically equivalent ids of different bytes;
/// - malformed: the sum of the batches' ``IngestBatch/malformedCount``;
/// - detections: upserted by ``Detection/episodeKey`` compared by its bytes (the store's unique
///   `episode_key`), the latest version replacing the earlier one in the place of the first
///   insertion (the row id); ``detections(limit:)`` returns them as the store does, latest `last`
///   first, then the later-inserted first.
///
/// Deliberately not handled (a replay does not need them): the events themselves (nothing is read
/// back, ``events(countedSince:limit:)`` is empty), automatic rules and incidents (not in the
/// report), checkpoints (replay commits none), history cut-offs (only the tail service sets them),
/// and the pushed-event keys of ``EventStore/commitPushed(_:)`` (replay pushes nothing; it counts
/// like ``commit(_:)``). A store-level failure (a constraint the SQLite file would refuse) cannot
/// happen here: use `replay --store PATH` to see the real store.
///
/// Commits take a lock once per batch (the replay's commit thread), never per event.
package final class ReplayTally: EventStore, DetectionStore, Sendable {
    private struct State: ~Copyable {
        var events = 0
        var malformed = 0
        var callIDs = Set<ByteKey>()
        var detections: [Detection] = []
        var detectionPositions: [ByteKey: Int] = [:]
    }

    private let state = Mutex(State())

    package init() {}

    package func commit(_ batch: IngestBatch) throws {
        guard !batch.isEmpty else { return }
        state.withLock { state in
            state.events += batch.events.count
            state.malformed += batch.malformedCount
            for event in batch.events {
                state.callIDs.insert(ByteKey(event.callID))
            }
            for detection in batch.detections {
                let key = ByteKey(detection.episodeKey)
                if let position = state.detectionPositions[key] {
                    state.detections[position] = detection
                } else {
                    state.detectionPositions[key] = state.detections.count
                    state.detections.append(detection)
                }
            }
        }
    }

    package func checkpoint(forPath path: String) throws -> TailCheckpoint? { nil }

    package func events(countedSince since: Timestamp, limit: Int) throws -> [CallEvent] { [] }

    package func statistics() throws -> StoreStatistics {
        state.withLock { state in
            StoreStatistics(
                events: state.events, calls: state.callIDs.count, detections: state.detections.count, rules: 0,
                malformed: state.malformed)
        }
    }

    package func detections(limit: Int) throws -> [Detection] {
        state.withLock { state in
            // `ORDER BY last_time DESC, id DESC`: the position of the first insertion is the row id.
            let order = state.detections.indices.sorted { left, right in
                let (a, b) = (state.detections[left].last, state.detections[right].last)
                return a != b ? a > b : left > right
            }
            return order.prefix(max(limit, 0)).map { state.detections[$0] }
        }
    }
}

/// Text compared and hashed by its UTF-8 bytes (SQLite's binary collation), not by Unicode
/// canonical equivalence as `String` is.
private struct ByteKey: Hashable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (left: ByteKey, right: ByteKey) -> Bool {
        left.text.utf8.elementsEqual(right.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil {
            // The same bytes the same way (a native string is always contiguous; this is for others).
            Array(text.utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
        hasher.combine(text.utf8.count)
    }
}
