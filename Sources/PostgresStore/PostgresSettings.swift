import Foundation
import PostgresNIO

/// Where the shared PostgreSQL store is and how to log in: `store: url:` in the configuration,
/// with the password from `store: password_file:` (never from the URL).
///
/// Accepted URL forms: `postgresql://USER@HOST:PORT/DATABASE` (TCP) and
/// `postgresql://USER@/DATABASE?host=/run/postgresql` (a Unix socket directory, as libpq spells
/// it; the port, 5432 unless given, names the socket file `.s.PGSQL.PORT`).
///
/// Deliberately not handled: TLS (`sslmode` other than `disable` is refused, so nobody believes a
/// link is encrypted when it is not; run PostgreSQL on a private network or a socket), several
/// hosts in one URL, and a password inside the URL (refused: it would end up in logs and `ps`).
package struct PostgresSettings: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket directory and the port that names the socket file in it.
        case socket(directory: String, port: Int)
    }

    package var endpoint: Endpoint
    package var user: String
    package var database: String
    /// Never printed: ``description`` leaves it out.
    package var password: String?

    package init(endpoint: Endpoint, user: String, database: String, password: String? = nil) {
        self.endpoint = endpoint
        self.user = user
        self.database = database
        self.password = password
    }

    /// Reads a `postgresql://` (or `postgres://`) URL.
    ///
    /// - Throws: ``PostgresStoreError`` with code `.configuration` naming what is wrong (never
    ///   echoing a password).
    package init(url text: String, password: String? = nil) throws {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, scheme == "postgresql" || scheme == "postgres"
        else {
            throw PostgresStoreError(code: .configuration, message: "store.url must be a postgresql:// URL")
        }
        if components.password != nil {
            throw PostgresStoreError(
                code: .configuration, message: "store.url must not hold a password; put it in store.password_file")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresStoreError(code: .configuration, message: "store.url needs a user (postgresql://USER@HOST/DATABASE)")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresStoreError(code: .configuration, message: "store.url needs a database name (postgresql://USER@HOST/DATABASE)")
        }
        var socketDirectory: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "host": socketDirectory = item.value
            case "sslmode" where item.value == "disable": break
            default:
                throw PostgresStoreError(
                    code: .configuration, message: "store.url: parameter \(item.name) is not supported (only host=SOCKET_DIRECTORY and sslmode=disable)")
            }
        }
        let port = components.port ?? 5432
        if let socketDirectory, socketDirectory.hasPrefix("/") {
            endpoint = .socket(directory: socketDirectory, port: port)
        } else if let host = components.host, !host.isEmpty {
            endpoint = .tcp(host: host, port: port)
        } else {
            throw PostgresStoreError(code: .configuration, message: "store.url needs a host or ?host=/SOCKET_DIRECTORY")
        }
        self.user = user
        self.database = database
        self.password = password
    }

    /// The URL without any password: safe to log.
    package var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgresql://\(user)@\(host):\(port)/\(database)"
        case .socket(let directory, let port): "postgresql://\(user)@/\(database)?host=\(directory)&port=\(port)"
        }
    }

    package var debugDescription: String { description }

    /// `dump` and debuggers see the URL only, never the password.
    package var customMirror: Mirror { Mirror(self, children: ["url": description]) }

    var connectionConfiguration: PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        case .socket(let directory, let port):
            configuration = .init(
                unixSocketPath: directory + "/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
