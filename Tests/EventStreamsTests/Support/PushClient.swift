import NIOCore
import NIOPosix

/// A push sender for the tests: a real TCP or Unix connection to a listener, with line reading.
enum PushClient {
    /// One open connection: write lines, read the listener's answers, half-close.
    struct Session {
        var input: ByteStream
        let output: NIOAsyncChannelOutboundWriter<ByteBuffer>

        func send(_ text: String) async throws {
            try await output.write(ByteBuffer(string: text))
        }

        func send(lines: [String]) async throws {
            try await send(lines.map { $0 + "\n" }.joined())
        }

        /// Half-closes: the listener sees the end of input but can still answer.
        func finish() { output.finish() }

        mutating func readLine() async throws -> String? { try await input.read(until: "\n") }

        /// Reads answers until `OK <line>` or later arrives (collecting everything on the way).
        mutating func readUntilAcknowledged(_ line: Int) async throws -> [String] {
            var answers: [String] = []
            while let answer = try await readLine() {
                answers.append(answer)
                if answer.hasPrefix("OK "), let acked = Int(answer.dropFirst(3)), acked >= line { break }
            }
            return answers
        }
    }

    static func connect<Result: Sendable>(
        to address: SocketAddress, _ body: (inout Session) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var session = Session(input: ByteStream(inbound), output: outbound)
            return try await body(&session)
        }
    }
}
