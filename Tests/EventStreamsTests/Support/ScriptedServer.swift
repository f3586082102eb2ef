import NIOCore
import NIOPosix

/// A server that stands in for Asterisk's manager or FreeSWITCH's event socket: it accepts one
/// connection, runs a script on it (writing and reading bytes exactly as the real server frames
/// them), then closes the connection and stops listening, as a server restart does.
struct ScriptedServer: Sendable {
    let port: Int
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>

    /// Listens on `port` (0: any free port) on 127.0.0.1.
    static func listen(port: Int = 0) async throws -> ScriptedServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        return ScriptedServer(port: server.channel.localAddress?.port ?? 0, server: server)
    }

    /// Listens on a port below the kernel's ephemeral range (32768-60999 by default), for a
    /// server that restarts on the same port: a port from that range can be taken between the
    /// two binds by any outgoing connection of the machine, or by the reconnecting client itself
    /// (a TCP self-connect to its own source port). Tries random ports until one is free.
    static func listenBelowEphemeralRange() async throws -> ScriptedServer {
        var lastError: (any Error)?
        for _ in 0..<64 {
            do {
                return try await listen(port: Int.random(in: 20_000..<32_000))
            } catch {
                lastError = error
            }
        }
        throw lastError ?? CancellationError()
    }

    /// Listens again on `port`, the port an earlier server of the test closed: the close of that
    /// listening socket completes on its event loop, so a bind made at once may still find it
    /// open (EADDRINUSE). Retries every 50 ms, at most 200 times (a bound, not a timing check).
    static func listenAgain(port: Int) async throws -> ScriptedServer {
        var lastError: (any Error)?
        for _ in 0..<200 {
            do {
                return try await listen(port: port)
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        throw lastError ?? CancellationError()
    }

    /// Accepts one connection, runs `script` on it, closes it and the listening socket.
    func serveOne<Result: Sendable>(
        _ script: @Sendable (inout ByteStream, NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> Result
    ) async throws -> Result? {
        try await server.executeThenClose { connections in
            for try await connection in connections {
                return try await connection.executeThenClose { inbound, outbound in
                    var input = ByteStream(inbound)
                    return try await script(&input, outbound)
                }
            }
            return nil
        }
    }
}
