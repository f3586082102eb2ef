package import CallModel
package import Foundation
package import Incidents
package import Logging
import ServiceLifecycle
package import SystemClock

/// One directory the watcher scans, with the name patterns that link its files to calls.
package struct RecordingDirectory: Sendable {
    package var path: String
    package var patterns: [RecordingNamePattern]
    /// How deep below `path` to look (FreePBX keeps `YYYY/MM/DD/`: 3).
    package var depth: Int

    package init(path: String, patterns: [RecordingNamePattern], depth: Int = 3) {
        self.path = path
        self.patterns = patterns
        self.depth = depth
    }
}

/// Scans recording directories and links each finished recording to its call: path, size,
/// SHA-256 and the file's time go into the store (``RecordingStore``), and so into the timeline of
/// every incident the call belongs to.
///
/// A file is taken once it is finished: its modification time is at least ``settleTime`` old and
/// its size did not change since the previous scan (MixMonitor writes while the call goes on).
/// Files whose names match no pattern are skipped and counted. Memory: the paths already linked
/// (one string each) and the sizes of files waiting to settle.
///
/// Deliberately not handled: inotify (a scan every ``scanInterval`` is enough for evidence that
/// is read hours later), recordings renamed after linking (the old path is reported missing by
/// `evidence verify`), and following symbolic links out of the directory.
package final class RecordingWatcher: Service, Sendable {
    package let directories: [RecordingDirectory]
    package let store: any RecordingStore
    package let scanInterval: Duration
    package let settleTime: Duration
    private let logger: Logger
    /// Processing time: when a file counts as settled, and each link's `linkedAt`. The scan
    /// interval is a monotonic sleep.
    private let clock: WallClock
    private let state = LockedState()

    package init(
        directories: [RecordingDirectory], store: any RecordingStore, scanInterval: Duration = .seconds(10),
        settleTime: Duration = .seconds(30), clock: WallClock = .system, logger: Logger
    ) {
        self.clock = clock
        self.directories = directories
        self.store = store
        self.scanInterval = scanInterval
        self.settleTime = settleTime
        self.logger = logger
    }

    package func run() async throws {
        do {
            let known = try store.recordings(limit: Int.max).map(\.location)
            state.withLock { $0.linked.formUnion(known) }
        } catch {
            logger.error("recordings already linked cannot be read; every file will be checked", metadata: ["error": "\(error)"])
        }
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = self.scanOnce(now: Date(timeIntervalSince1970: Double(self.clock.now().microsecondsSinceEpoch) / 1_000_000))
                try? await Task.sleep(for: self.scanInterval)
            }
        }
    }

    /// What one scan did.
    package struct ScanResult: Hashable, Sendable {
        package var linked: [RecordingEvidence] = []
        /// Files matching no pattern (counted, not logged by name).
        package var unmatched = 0
        /// Files still being written.
        package var waiting = 0
        package var failed = 0
    }

    /// Scans every directory once; `now` decides which files are settled.
    @discardableResult
    package func scanOnce(now: Date) -> ScanResult {
        var result = ScanResult()
        for directory in directories {
            for file in Self.files(in: directory) {
                scan(file, in: directory, now: now, result: &result)
            }
        }
        if result.unmatched > 0 || result.failed > 0 {
            logger.debug("recording scan", metadata: ["recordings.unmatched": "\(result.unmatched)", "recordings.failed": "\(result.failed)"])
        }
        return result
    }

    private func scan(_ file: URL, in directory: RecordingDirectory, now: Date, result: inout ScanResult) {
        let path = file.path
        if state.withLock({ $0.linked.contains(path) }) { return }
        let name = file.lastPathComponent
        guard let callID = directory.patterns.lazy.compactMap({ $0.callID(inFileName: name) }).first else {
            result.unmatched += 1
            return
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = (attributes[.size] as? NSNumber)?.int64Value,
            let modified = attributes[.modificationDate] as? Date
        else {
            result.failed += 1
            return
        }
        let settled = now.timeIntervalSince(modified) >= Double(settleTime.components.seconds)
        let previousSize = state.withLock { state in
            let previous = state.waitingSizes[path]
            state.waitingSizes[path] = size
            return previous
        }
        guard settled, previousSize == size else {
            result.waiting += 1
            return
        }
        do {
            let (hashedSize, sha256) = try FileHasher.hash(path: path)
            let recording = try store.linkRecording(
                NewRecording(
                    callID: callID, location: path, origin: .file, size: hashedSize, sha256: sha256,
                    recordedAt: Timestamp(microsecondsSinceEpoch: Int64(modified.timeIntervalSince1970 * 1_000_000)),
                    linkedAt: Timestamp(microsecondsSinceEpoch: Int64(now.timeIntervalSince1970 * 1_000_000)),
                    actor: "recording-watcher"))
            state.withLock { state in
                state.linked.insert(path)
                state.waitingSizes[path] = nil
            }
            result.linked.append(recording)
            logger.info("recording linked", metadata: ["recording.id": "\(recording.id)", "recording.call_id": "\(callID)"])
        } catch {
            result.failed += 1
            logger.warning("recording not linked", metadata: ["recording.file": "\(name)", "error": "\(error)"])
        }
    }

    /// Regular files up to `depth` levels below the directory; an unreadable directory is empty.
    static func files(in directory: RecordingDirectory) -> [URL] {
        let root = URL(fileURLWithPath: directory.path, isDirectory: true)
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        var files: [URL] = []
        while let url = enumerator.nextObject() as? URL {
            if enumerator.level > directory.depth + 1 {
                enumerator.skipDescendants()
                continue
            }
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                files.append(url)
            }
        }
        return files
    }
}

/// The watcher's mutable state behind a lock (scans run on one task; the lock makes it Sendable).
private final class LockedState: @unchecked Sendable {
    struct State {
        var linked: Set<String> = []
        var waitingSizes: [String: Int64] = [:]
    }

    private let lock = NSLock()
    private var state = State()

    func withLock<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }
}
