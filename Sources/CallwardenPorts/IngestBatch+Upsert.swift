package import CallModel

extension IngestBatch {
    /// Adds a detection, replacing an earlier version of the same episode already in this batch,
    /// so that a batch carries each episode once, in its latest state. O(1): the episode's position
    /// is looked up by its ``EpisodeIdentity`` however many episodes the batch holds (a DoS hour
    /// updates thousands of them in one batch).
    package mutating func upsert(_ detection: Detection) {
        let identity = detection.episodeIdentity
        if let index = detectionPositions[identity] {
            upsertedDetections[index] = detection
        } else {
            detectionPositions[identity] = upsertedDetections.count
            upsertedDetections.append(detection)
        }
    }
}
