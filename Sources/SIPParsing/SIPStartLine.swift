/// The first line of a message.
package enum SIPStartLine: Hashable, Sendable {
    /// `METHOD SP Request-URI SP SIP/2.0`: the method and where its token and the URI are.
    case request(method: SIPMethod, methodRange: Range<Int>, uri: Range<Int>)
    /// `SIP/2.0 SP code SP reason`: the status code (100...699) and where the reason phrase is.
    case response(statusCode: Int, reason: Range<Int>)
}
