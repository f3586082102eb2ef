import Foundation

/// A real Prometheus Alertmanager (Debian `prometheus-alertmanager`) on loopback port 0 with its own
/// temporary storage and no clustering: it logs the address it bound (`msg="Listening on"
/// address=127.0.0.1:45309`), which ``waitUntilReady()`` reads instead of guessing a free port.
/// `stop()` ends it and removes its directory.
final class AlertmanagerProcess {
    /// The port it bound; 0 until ``waitUntilReady()`` read it.
    private(set) var port = 0
    private let logPath: String
    let directory: URL
    private let process = Process()

    static let executable = "/usr/bin/prometheus-alertmanager"

    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    /// Run when installed, and always under CI (`CI` set), where a missing package must fail
    /// loudly instead of skipping (scripts/install-evidence-test-packages installs it).
    static var shouldRun: Bool { isInstalled || ProcessInfo.processInfo.environment["CI"] != nil }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("callwarden-am-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = directory.appendingPathComponent("alertmanager.yml")
        try """
            route:
              receiver: "null"
              group_wait: 1s
            receivers:
              - name: "null"
            """.write(to: configuration, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = [
            "--config.file=" + configuration.path,
            "--storage.path=" + directory.appendingPathComponent("data").path,
            "--web.listen-address=127.0.0.1:0",
            "--cluster.listen-address=",
            "--log.level=info",
        ]
        logPath = directory.appendingPathComponent("alertmanager.log").path
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The port in the log's `msg="Listening on" address=127.0.0.1:PORT` line, or nil.
    private func loggedPort() -> Int? {
        guard let log = try? String(contentsOfFile: logPath, encoding: .utf8),
            let line = log.split(separator: "\n").first(where: { $0.contains("Listening on") }),
            let range = line.range(of: "address=127.0.0.1:")
        else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    /// Waits until it has logged its port and `/-/ready` answers 200.
    func waitUntilReady() async throws {
        let bound = await eventually(seconds: 60) { self.loggedPort() != nil }
        guard bound, let logged = loggedPort() else { throw TestFailure("alertmanager did not report the port it bound") }
        port = logged
        let ready = await eventually(seconds: 60) { await httpGet(baseURL + "/-/ready")?.status == 200 }
        guard ready else { throw TestFailure("alertmanager did not become ready on port \(port)") }
    }

    /// The alerts Alertmanager holds now (resolved ones are not listed), as JSON objects.
    func alerts() async -> [[String: Any]] {
        guard let (status, body) = await httpGet(baseURL + "/api/v2/alerts"), status == 200,
            let list = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]]
        else { return [] }
        return list
    }

    /// The alert of incident `id`, or nil.
    func alert(incident id: Int64) async -> [String: Any]? {
        await alerts().first { ($0["labels"] as? [String: String])?["incident"] == String(id) }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            // Polled, bounded: Foundation's `waitUntilExit` can wait forever while the cooperative
            // pool this test runs on is busy (it held a pool thread until the suite hung).
            for _ in 0..<1_000 where process.isRunning { usleep(10_000) }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
