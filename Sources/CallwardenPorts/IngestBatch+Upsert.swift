package import CallModel

extension IngestBatch {
    /// Adds a detection, replacing an earlier version of the same episode already in this batch,
    /// so that a batch carries each episode once, in its latest state.
    package mutating func upsert(_ detection: Detection) {
        let key = detection.episodeKey
        if let index = detections.lastIndex(where: { $0.episodeKey == key }) {
            detections[index] = detection
        } else {
            detections.append(detection)
        }
    }
}
