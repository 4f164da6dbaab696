public import Messaging

/// A replier serving `handler` and a requester dialing it, for the length of `body`; both are closed
/// afterwards, even when `body` throws.
///
/// Reads like nng's own tests: `try await withConnectedPair(.tcp) { requester, replier in … }`.
public func withConnectedPair<T: Sendable>(
    _ transport: Endpoint.Transport,
    requesterOptions: SocketOptions = SocketOptions(),
    replierOptions: SocketOptions = SocketOptions(),
    maxInFlight: Int = 64,
    handler: @escaping @Sendable ([UInt8]) async throws -> [UInt8] = { $0 },
    answerInline: InlineAnswer? = nil,
    _ body: (Requester, Replier) async throws -> T
) async throws -> T {
    let replier = try Replier(listening: [TestEndpoints.fresh(transport)], options: replierOptions)
    let serving = Task { await replier.serve(handler, answerInline: answerInline, replyToFailure: failureReply) }
    let requester = try Requester(dialing: replier.endpoints, options: requesterOptions, maxInFlight: maxInFlight)
    defer {
        requester.close()
        replier.stopAccepting()
        serving.cancel()
    }
    return try await body(requester, replier)
}

/// The reply the test pairs send when a handler throws: "failed: <error>".
@Sendable public func failureReply(_ error: any Error) -> [UInt8] {
    Array("failed: \(error)".utf8)
}
