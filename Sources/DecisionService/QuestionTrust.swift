package import CallModel
import ListenerGuards
package import NIOCore

/// One PBX allowed to ask questions that count: its name (for logs and metrics), a bearer token
/// (HTTP `Authorization: Bearer`) and/or the source addresses it asks from, and whether its `pai`
/// (P-Asserted-Identity) is believed.
///
/// A question matches the credential when every part the credential has matches: the token (in
/// constant time) and the peer's address. FastAGI carries no token, so only credentials with
/// source addresses can match a FastAGI session (their token, if any, is then not asked for).
package struct PBXCredential: Sendable, Hashable {
    package var name: String
    package var token: Secret?
    /// Source addresses as ``ListenerGuards/ListenerAddress/sourceKey(of:)`` writes them.
    package var sources: Set<String>
    /// Whether this PBX may assert the caller's identity (`pai`).
    package var assertsIdentity: Bool

    package init(name: String, token: Secret? = nil, sources: Set<String> = [], assertsIdentity: Bool = false) {
        self.name = name
        self.token = token
        self.sources = sources
        self.assertsIdentity = assertsIdentity
    }
}

/// Who asked a question, as far as the daemon believes it.
package enum QuestionSource: Hashable, Sendable {
    /// An authenticated PBX: its question counts; its `pai` is believed when `assertsIdentity`.
    case pbx(name: String, assertsIdentity: Bool)
    /// Anyone else: answered, but neither stored nor counted, and its `pai` is ignored.
    case untrusted

    /// The recording this source's question gets.
    package var recording: QuestionRecording {
        switch self {
        case .pbx: .record
        case .untrusted: .answerOnly(.untrusted)
        }
    }

    /// Whether the question's `pai` is believed.
    package var believesAssertedIdentity: Bool {
        switch self {
        case .pbx(_, let asserts): asserts
        case .untrusted: false
        }
    }
}

/// Whom the decision transports believe: the configured ``PBXCredential``s. With none configured,
/// a question from loopback (the PBX on the same host) counts and its `pai` is believed; any other
/// does not count. Pure: the transports hand it the peer address and the presented token.
package struct QuestionTrust: Sendable, Hashable {
    package var credentials: [PBXCredential]

    package init(credentials: [PBXCredential] = []) {
        self.credentials = credentials
    }

    /// How a question on a transport presents itself.
    package enum Presented: Sendable {
        /// HTTP: the bearer token, if any.
        case httpToken([UInt8]?)
        /// FastAGI: no token exists.
        case noTokenTransport
    }

    /// Judges a question from `peer` presenting `presented`. Every configured token is compared
    /// (constant time each), so the time taken does not say which credential nearly matched.
    package func judge(peer: SocketAddress?, presented: Presented) -> QuestionSource {
        guard !credentials.isEmpty else {
            return ListenerAddress.isLoopback(peer) ? .pbx(name: "loopback", assertsIdentity: true) : .untrusted
        }
        let source = ListenerAddress.sourceKey(of: peer)
        var matched: PBXCredential?
        for credential in credentials {
            var matches = true
            if !credential.sources.isEmpty, !credential.sources.contains(source) { matches = false }
            switch presented {
            case .httpToken(let token):
                if let expected = credential.token {
                    if !expected.matches(token ?? []) || token == nil { matches = false }
                }
            case .noTokenTransport:
                if credential.sources.isEmpty { matches = false }
            }
            if matches, matched == nil { matched = credential }
        }
        guard let matched else { return .untrusted }
        return .pbx(name: matched.name, assertsIdentity: matched.assertsIdentity)
    }
}

/// The ``QuestionTrust`` in force, swapped whole when the configuration is reloaded (SIGHUP);
/// read once per question without a lock or an allocation (``ListenerGuards/ReloadableSetting``).
package final class QuestionTrustHolder: Sendable {
    private let trust: ReloadableSetting<QuestionTrust>

    package init(_ trust: QuestionTrust = QuestionTrust()) {
        self.trust = ReloadableSetting(trust)
    }

    package var current: QuestionTrust { trust.current }

    package func replace(with trust: QuestionTrust) {
        self.trust.publish(trust)
    }

    /// Judges a question with the trust in force.
    package func judge(peer: SocketAddress?, presented: QuestionTrust.Presented) -> QuestionSource {
        trust.current.judge(peer: peer, presented: presented)
    }
}
