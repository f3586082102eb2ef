import NIOCore
import NIOPosix

/// A scripted FastAGI peer that speaks exactly what Asterisk's res_agi writes: the `agi_*` block,
/// an empty line, then one reply line per command it receives. Real TCP on loopback.
struct AGITestClient {
    /// What the server did in one session.
    struct Transcript: Sendable {
        /// The command lines the server sent, without their LF.
        var commands: [String] = []
        /// The server closed the connection (rather than the client giving up).
        var closedByServer = false
    }

    let port: Int

    /// Connects, writes `opening` (raw bytes, so tests can send garbage), then answers every
    /// command line with `reply(command)` (nil: answer nothing) until the server closes.
    func session(
        opening: [UInt8],
        reply: @escaping @Sendable (String) -> String? = { _ in "200 result=1" }
    ) async throws -> Transcript {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var transcript = Transcript()
            var pending: [UInt8] = []
            do {
                // On a loaded machine the server's idle timeout may already have closed the
                // connection before the opening is written: that is the server's close too.
                try await outbound.write(ByteBuffer(bytes: opening))
                for try await chunk in inbound {
                    pending += chunk.readableBytesView
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        let line = String(decoding: pending[..<newline], as: UTF8.self)
                        pending.removeSubrange(...newline)
                        transcript.commands.append(line)
                        if let answer = reply(line) {
                            try await outbound.write(ByteBuffer(string: answer + "\n"))
                        }
                    }
                }
                transcript.closedByServer = true
            } catch {
                // A reset from the server counts as its close too.
                transcript.closedByServer = true
            }
            return transcript
        }
    }

    /// The header block Asterisk sends (protocols.md §3.2), LF-terminated, ending with an empty line.
    static func environment(
        callerID: String, callerName: String = "unknown", callingPres: Int = 0, dnid: String = "02079460999",
        extensionName: String = "1001", uniqueID: String = "1705321822.42"
    ) -> [UInt8] {
        let lines = [
            "agi_network: yes",
            "agi_network_script: screen",
            "agi_request: agi://127.0.0.1:4573/screen",
            "agi_channel: PJSIP/trunk-00000007",
            "agi_language: en",
            "agi_type: PJSIP",
            "agi_uniqueid: \(uniqueID)",
            "agi_version: 20.5.0",
            "agi_callerid: \(callerID)",
            "agi_calleridname: \(callerName)",
            "agi_callingpres: \(callingPres)",
            "agi_callingani2: 0",
            "agi_callington: 0",
            "agi_callingtns: 0",
            "agi_dnid: \(dnid)",
            "agi_rdnis: unknown",
            "agi_context: from-trunk",
            "agi_extension: \(extensionName)",
            "agi_priority: 2",
            "agi_enhanced: 0.0",
            "agi_accountcode: ",
            "agi_threadid: 140234567890",
            "agi_arg_1: \(callerID)",
        ]
        return Array((lines.joined(separator: "\n") + "\n\n").utf8)
    }
}
