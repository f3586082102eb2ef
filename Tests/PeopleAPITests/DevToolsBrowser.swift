import Foundation
import SQLiteStore
import HTTPTypes
#if canImport(Glibc)
import Glibc
#endif

/// Debian's chromium, headless, driven over the DevTools protocol on a pipe
/// (`--remote-debugging-pipe`: commands in on fd 3, answers out on fd 4, NUL-terminated JSON), so
/// no WebDriver or WebSocket library is needed. Blocking: drive it from a thread of its own
/// (``run(_:)``), never from the cooperative pool the server under test needs.
///
/// Deliberately not handled: more than one page per browser (start another browser for another
/// login), and events (the driver polls the page's state).
final class DevToolsBrowser {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") }

    private var pid: pid_t = 0
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private var buffer: [UInt8] = []
    private var nextID = 1
    private var session: String?
    private let profile: String

    /// Runs `body` with a fresh browser on a thread of its own; the browser is closed after it.
    static func run<T: Sendable>(_ body: @escaping @Sendable (DevToolsBrowser) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                do {
                    let browser = try DevToolsBrowser()
                    defer { browser.close() }
                    continuation.resume(returning: try body(browser))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    private init() throws {
        var commands: [Int32] = [0, 0]
        var answers: [Int32] = [0, 0]
        guard pipe(&commands) == 0, pipe(&answers) == 0 else { throw Failure(description: "pipe failed") }
        // Out of the way of 3 and 4, and closed on exec (the dup2s below give the child its two).
        let high = [commands[0], commands[1], answers[0], answers[1]].map { fd -> Int32 in
            let moved = fcntl(fd, F_DUPFD_CLOEXEC, 100)
            Glibc.close(fd)
            return moved
        }
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("callwarden-cdp-" + UUID().uuidString).path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, high[0], 3)
        posix_spawn_file_actions_adddup2(&actions, high[3], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = [
            "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--remote-debugging-pipe", "--window-size=1280,900", "--user-data-dir=" + profile, "about:blank",
        ]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, arguments[0], &actions, nil, &argv, environ)
        pid = child
        Glibc.close(high[0])
        Glibc.close(high[3])
        toBrowser = high[1]
        fromBrowser = high[2]
        guard spawned == 0 else { throw Failure(description: "chromium did not start (\(spawned))") }
    }

    private func close() {
        Glibc.close(toBrowser)
        Glibc.close(fromBrowser)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(atPath: profile)
    }

    /// Sends one command (to the attached page when there is one) and returns its `result`.
    @discardableResult
    func command(_ method: String, _ parameters: [String: Any] = [:], toPage: Bool = true) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if toPage, let session { message["sessionId"] = session }
        var bytes = Array(try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(toBrowser, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure(description: "writing to chromium failed") }
            written += count
        }
        while true {
            let answer = try readMessage()
            guard answer["id"] as? Int == id else { continue }  // events and other answers
            if let error = answer["error"] as? [String: Any] { throw Failure(description: "\(method): \(error)") }
            return answer["result"] as? [String: Any] ?? [:]
        }
    }

    private func readMessage() throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<end])
                buffer.removeSubrange(...end)
                return (try JSONSerialization.jsonObject(with: Data(message))) as? [String: Any] ?? [:]
            }
            var descriptor = pollfd(fd: fromBrowser, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 60_000) == 1 else { throw Failure(description: "chromium did not answer within a minute") }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { read(fromBrowser, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure(description: "chromium closed the pipe") }
            buffer += chunk[..<count]
        }
    }

    /// Opens `url` in a new page and attaches to it.
    func open(_ url: String) throws {
        let target = try command("Target.createTarget", ["url": url], toPage: false)
        guard let targetID = target["targetId"] as? String else { throw Failure(description: "no target") }
        let attached = try command("Target.attachToTarget", ["targetId": targetID, "flatten": true], toPage: false)
        session = attached["sessionId"] as? String
    }

    /// The value of a JavaScript expression in the page (the driver's, not the page's: the page has none).
    func evaluate(_ expression: String) throws -> Any? {
        let result = try command("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        if let exception = result["exceptionDetails"] { throw Failure(description: "\(expression): \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Polls until `expression` is true in a fully loaded page (a navigation is a new document).
    func wait(until expression: String) throws {
        for _ in 0..<300 {
            if (try? evaluate("document.readyState === 'complete' && (\(expression))")) as? Bool == true { return }
            usleep(100_000)
        }
        throw Failure(description: "the page never came to: \(expression)")
    }

    /// The text a person sees.
    func visibleText() throws -> String { try evaluate("document.body.innerText") as? String ?? "" }

    /// A PNG of the page, written to `path`.
    func screenshot(to path: String) throws {
        let shot = try command("Page.captureScreenshot", ["format": "png"])
        guard let base64 = shot["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw Failure(description: "no screenshot")
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path))
    }
}
