import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Kamailio with the shipped `Config/kamailio/kamailio-evapi.cfg` (ports replaced by free ones) and
/// SIPp on loopback, as real processes, for the evapi end-to-end test. Every process it starts is
/// stopped by ``stop()`` (by its own pid).
final class KamailioLab: @unchecked Sendable {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let kamailio = "/usr/sbin/kamailio"
    static let sipp = "/usr/bin/sipp"
    static let evapiModule = "/usr/lib/x86_64-linux-gnu/kamailio/modules/evapi.so"
    static let janssonModule = "/usr/lib/x86_64-linux-gnu/kamailio/modules/jansson.so"

    /// Whether Kamailio, its evapi and jansson modules and SIPp are installed (scripts/test installs them).
    static var isAvailable: Bool {
        [kamailio, sipp, evapiModule, janssonModule].allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }

    let directory: String
    let sipPort: Int
    let evapiPort: Int
    let uasPort: Int
    let uacPort: Int
    private var processes: [Process] = []

    init(directory: String) throws {
        self.directory = directory
        sipPort = try Self.freeUDPPort()
        evapiPort = try Self.freeTCPPort()
        uasPort = try Self.freeUDPPort()
        uacPort = try Self.freeUDPPort()
    }

    /// Writes the shipped configuration with this lab's ports and checks it with `kamailio -c`.
    func writeConfiguration() throws -> String {
        var text = try String(contentsOfFile: Self.packageRoot + "/Config/kamailio/kamailio-evapi.cfg", encoding: .utf8)
        text = text.replacingOccurrences(of: "listen=udp:127.0.0.1:5060", with: "listen=udp:127.0.0.1:\(sipPort)")
        text = text.replacingOccurrences(of: "\"127.0.0.1:8448\"", with: "\"127.0.0.1:\(evapiPort)\"")
        let path = directory + "/kamailio.cfg"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `kamailio -c -f <path>`: the exit status.
    /// Suspends while it waits (at most 30 s), so that a slow check does not hold a thread of the
    /// cooperative pool that the other tests' tasks need.
    func check(_ path: String) async throws -> Int32 {
        let process = try launch(Self.kamailio, ["-c", "-f", path], keep: false)
        for _ in 0..<1_500 where process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? -1 : process.terminationStatus
    }

    /// Starts Kamailio in the foreground (no daemon) with its run files in the lab directory.
    func startKamailio(_ path: String) throws {
        _ = try launch(Self.kamailio, ["-f", path, "-DD", "-E", "-Y", directory, "-P", directory + "/kamailio.pid"], log: "kamailio.log")
    }

    /// Starts SIPp's built-in UAS (answers every INVITE with 200).
    func startUAS() throws {
        _ = try launch(Self.sipp, ["-sn", "uas", "-i", "127.0.0.1", "-p", "\(uasPort)", "-nostdin"], log: "uas.log")
    }

    /// Runs SIPp's built-in UAC for `calls` calls to extension 1001, through Kamailio to the UAS,
    /// and returns its exit status (0: every call succeeded).
    func runCalls(_ calls: Int) async throws -> Int32 {
        let process = try launch(Self.sipp, [
            "-sn", "uac", "127.0.0.1:\(uasPort)", "-rsa", "127.0.0.1:\(sipPort)", "-i", "127.0.0.1", "-p", "\(uacPort)",
            "-s", "1001", "-m", "\(calls)", "-r", "10", "-nostdin", "-timeout", "60s", "-timeout_error",
        ], log: "uac.log", keep: false)
        // Bounded: SIPp gives up by itself after 60 s; past 120 s it is killed and the run counts
        // as failed, so a lost exit notification can never hang the suite.
        let deadline = ContinuousClock.now + .seconds(120)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            return -1
        }
        return process.terminationStatus
    }

    /// Stops every process this lab started, by pid, with its descendants (Kamailio's workers):
    /// SIGKILL, because children of the test process inherit a signal mask that blocks SIGTERM.
    func stop() {
        for process in processes.reversed() where process.isRunning {
            let pid = process.processIdentifier
            let family = [pid] + Self.descendants(of: pid)
            for member in family { kill(member, SIGKILL) }
            Self.waitForExit(process)
        }
        processes.removeAll()
    }

    /// Polls (Foundation's `waitUntilExit` can hang here), at most 10 s.
    private static func waitForExit(_ process: Process) {
        for _ in 0..<1_000 where process.isRunning { usleep(10_000) }
    }

    /// Processes whose parent chain leads to `pid`, from /proc.
    private static func descendants(of pid: Int32) -> [Int32] {
        var parents: [Int32: Int32] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[child] = parent }
        }
        var found: [Int32] = []
        var frontier: Set<Int32> = [pid]
        while !frontier.isEmpty {
            let next = parents.filter { frontier.contains($0.value) }.map(\.key)
            found += next
            frontier = Set(next)
        }
        return found
    }

    deinit { stop() }

    private func launch(_ executable: String, _ arguments: [String], log: String? = nil, keep: Bool = true) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        // Without a log: the null device itself. Never `createFile` on /dev/null: Foundation writes
        // atomically (a temporary file renamed over the path), which as root replaced the device
        // with a plain file for every later process on the machine.
        let handle: FileHandle?
        if let log {
            let output = directory + "/" + log
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            handle = FileHandle(forWritingAtPath: output)
        } else {
            handle = FileHandle.nullDevice
        }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if keep { processes.append(process) }
        return process
    }

    private static func freeTCPPort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }
        return channel.localAddress?.port ?? 0
    }

    private static func freeUDPPort() throws -> Int {
        let channel = try DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }
        return channel.localAddress?.port ?? 0
    }
}
