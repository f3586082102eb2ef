import CDRIngest
import DecisionService
import EventStreams
import Evidence
import Foundation
import PostgresStore

#if canImport(Glibc)
import Glibc
#endif

/// One thing `callwarden check-config` found when it tried a configuration against this machine.
package struct ProbeFinding: Sendable, Hashable, CustomStringConvertible {
    package enum Severity: String, Sendable, Hashable {
        /// `serve` would fail to start (or could not do its work): check-config fails.
        case error
        /// Worth knowing, not fatal (a CDR file not there yet), or something not tried.
        case warning
    }

    package var severity: Severity
    /// The configuration key, e.g. `decision.http`, `cdr.files[0].path`.
    package var key: String
    /// What was found, naming the address or path.
    package var message: String

    package var description: String { "\(severity.rawValue): \(key): \(message)" }
}

/// Tries a valid configuration against this machine, without side effects that outlast the
/// check: the store's file or directory exists and is writable, each CDR file and recording
/// directory is there and readable, each listener's address can be bound now (a socket is bound
/// and closed at once; a Unix socket path is only checked for a writable directory). What it cannot
/// try without acting — packet capture privileges, the alert sinks and PBX event sockets it would
/// connect to — comes back as a warning saying so. Run it before `serve` starts (the unit's
/// `ExecStartPre`): a listener of a running daemon is of course in use.
package enum ConfigurationProbe {
    package static func run(_ configuration: CallwardenConfiguration) -> [ProbeFinding] {
        var findings: [ProbeFinding] = []
        func error(_ key: String, _ message: String) { findings.append(ProbeFinding(severity: .error, key: key, message: message)) }
        func warning(_ key: String, _ message: String) { findings.append(ProbeFinding(severity: .warning, key: key, message: message)) }

        // The store: its file writable, or its directory there and writable (SQLite's WAL and
        // journal files are created beside it).
        let store = configuration.storePath
        let storeDirectory = (store as NSString).deletingLastPathComponent
        if access(store, F_OK) == 0 {
            if access(store, R_OK | W_OK) != 0 { error("store.path", "\(store): \(reason()) (not readable and writable)") }
        }
        if access(storeDirectory, F_OK) != 0 {
            error("store.path", "\(storeDirectory): directory does not exist")
        } else if access(storeDirectory, W_OK | X_OK) != 0 {
            error("store.path", "\(storeDirectory): \(reason()) (the directory must be writable)")
        }

        // Several sites: whether PostgreSQL answers (a connection and `SELECT 1`: nothing is
        // created or migrated).
        if let shared = configuration.sharedStore {
            do {
                try PostgresStore.probe(shared.postgres)
            } catch let failure {
                error("store.url", "\(shared.postgres): \(failure)")
            }
        }

        for (index, file) in configuration.cdrFiles.enumerated() {
            let key = "cdr.files[\(index)].path"
            if access(file.path, F_OK) != 0 {
                warning(key, "\(file.path) does not exist yet; it is read from its first line when it appears")
            } else if access(file.path, R_OK) != 0 {
                error(key, "\(file.path): \(reason()) (not readable)")
            }
        }
        for (index, directory) in configuration.incidents.recordingDirectories.enumerated() {
            let key = "recordings.directories[\(index)].path"
            if access(directory.path, F_OK) != 0 {
                warning(key, "\(directory.path) does not exist (yet)")
            } else if access(directory.path, R_OK | X_OK) != 0 {
                error(key, "\(directory.path): \(reason()) (not readable)")
            }
        }

        for listener in listeners(configuration) {
            if let problem = tryBinding(host: listener.host, port: listener.port, datagram: listener.datagram) {
                error(listener.key, "\(listener.host):\(listener.port): \(problem)")
            }
        }
        for (index, listener) in configuration.streams.listeners.enumerated() {
            guard case .unix(let path) = listener.endpoint else { continue }
            let directory = (path as NSString).deletingLastPathComponent
            if access(directory, W_OK | X_OK) != 0 {
                error("push.listeners[\(index)].unix", "\(path): \(reason()) (its directory must be writable)")
            }
        }

        if let capture = configuration.capture {
            warning("capture.interface", "\(capture.interface): not opened here; capture needs CAP_NET_RAW (the capture drop-in)")
        }
        for webhook in configuration.incidents.webhooks {
            warning("alerts.webhooks", "\(webhook.name) \(webhook.url): not contacted by check-config")
        }
        for manager in configuration.incidents.alertmanagers {
            warning("alerts.alertmanagers", "\(manager.name) \(manager.url): not contacted by check-config")
        }
        if let ami = configuration.streams.ami { warning("ami", "\(ami.client.host):\(ami.client.port): not contacted by check-config") }
        if let esl = configuration.streams.esl { warning("esl", "\(esl.client.host):\(esl.client.port): not contacted by check-config") }
        if let evapi = configuration.streams.evapi { warning("evapi", "\(evapi.host):\(evapi.port): not contacted by check-config") }
        return findings
    }

    struct Listener {
        var key: String
        var host: String
        var port: Int
        var datagram = false
    }

    /// Every TCP/UDP address the daemon binds, with its configuration key (port 0: any, skipped).
    static func listeners(_ configuration: CallwardenConfiguration) -> [Listener] {
        var all: [Listener] = []
        if let http = configuration.decision.http { all.append(Listener(key: "decision.http", host: http.host, port: http.port)) }
        if let agi = configuration.decision.agi { all.append(Listener(key: "decision.agi", host: agi.host, port: agi.port)) }
        if let metrics = configuration.metrics.http { all.append(Listener(key: "metrics.http", host: metrics.host, port: metrics.port)) }
        if let api = configuration.api.listen {
            all.append(Listener(key: "api.listen", host: api.host, port: api.port))
        }
        for (index, listener) in configuration.streams.listeners.enumerated() {
            if case .tcp(let host, let port) = listener.endpoint {
                all.append(Listener(key: "push.listeners[\(index)].tcp", host: host, port: port))
            }
        }
        if let hep = configuration.hep {
            if hep.transport != .tcp { all.append(Listener(key: "hep.port", host: hep.address, port: Int(hep.port), datagram: true)) }
            if hep.transport != .udp { all.append(Listener(key: "hep.port", host: hep.address, port: Int(hep.port))) }
        }
        return all.filter { $0.port != 0 }
    }

    /// Binds a socket to the address and closes it; nil when that worked, else why not.
    static func tryBinding(host: String, port: Int, datagram: Bool) -> String? {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(datagram ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return "cannot resolve the address: \(String(cString: gai_strerror(status)))"
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return "socket(): \(reason())" }
        defer { close(fd) }
        // As the listeners do: a port left in TIME_WAIT by the last run is not "in use".
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else { return "cannot bind: \(reason())" }
        return nil
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
