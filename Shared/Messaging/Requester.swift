internal import CNNG
import Synchronization

/// The calling side of request/reply: sends a request to one of the dialed peers and waits for its reply.
///
/// Many tasks may call ``request(_:timeout:)`` at once: each call borrows a REQ context from a bounded
/// pool, so concurrent calls never see each other's replies, and at most `maxInFlight` are on the wire
/// (the rest wait for a context). Dialing happens in the background: a requester made before its peer
/// is up works as soon as the peer comes.
public final class Requester: Sendable {
    /// The endpoints this requester dials.
    public let endpoints: [Endpoint]
    private let socket: Socket
    private let contexts: ContextPool<SocketContext>
    /// When a reply last came, and when the socket last re-dialed (see ``redialIfSilent()``).
    private let link = Mutex((lastReply: ContinuousClock.now, lastRedial: ContinuousClock.now))

    /// A request that times out after this long without any reply on the socket re-dials its peers.
    static let redialAfterSilence: Duration = .seconds(3)

    /// - Parameters:
    ///   - endpoints: peers to dial; requests are spread over the connected ones.
    ///   - options: socket options; `requestResendInterval` applies.
    ///   - maxInFlight: how many requests may be on the wire at once (one REQ context each, opened now).
    /// - Throws: ``MessagingError`` for an unusable endpoint or TLS configuration.
    public init(dialing endpoints: [Endpoint], options: SocketOptions = SocketOptions(), maxInFlight: Int = 64)
        throws(MessagingError)
    {
        let socket = try Socket("req0", options: options) { nng_req0_open($0) }
        try socket.setDuration(NNG_OPT_REQ_RESENDTIME, options.requestResendInterval)
        precondition(maxInFlight > 0, "a requester needs at least one context")
        var contexts: [SocketContext] = []
        do {
            for _ in 0..<maxInFlight { contexts.append(try SocketContext(socket: socket, sendsRequests: true)) }
            for endpoint in endpoints { try socket.dial(endpoint) }
        } catch {
            SocketContext.tearDown(contexts, socket: socket)
            throw error
        }
        self.socket = socket
        self.endpoints = endpoints
        self.contexts = ContextPool(contexts)
    }

    deinit { close() }

    /// Sends `payload` and returns the peer's reply.
    /// - Parameters:
    ///   - payload: the request bytes; at most `options.maxMessageBytes`.
    ///   - timeout: the whole budget, waiting for a free context included.
    /// - Throws: ``MessagingError``: `.timedOut` when no reply came in time, `.messageTooLarge`,
    ///   `.closed` after ``close()``, `.cancelled` when the calling task was cancelled.
    public func request(_ payload: [UInt8], timeout: Duration) async throws -> [UInt8] {
        guard payload.count <= socket.options.maxMessageBytes else {
            throw MessagingError(
                .messageTooLarge, operation: "request",
                reason: "\(payload.count) bytes exceed the \(socket.options.maxMessageBytes)-byte cap")
        }
        let deadline = ContinuousClock.now + timeout
        let context = try await contexts.acquire(before: deadline)
        defer { contexts.release(context) }
        do {
            guard deadline > .now else {
                throw MessagingError(.timedOut, operation: "request", reason: "deadline of \(timeout) exceeded")
            }
            let reply = try await context.request(payload, deadline: deadline)
            link.withLock { $0.lastReply = .now }
            return reply
        } catch let error as MessagingError where contexts.isClosed && error.code == .cancelled {
            throw ContextPool<SocketContext>.closedError
        } catch let error as MessagingError where error.code == .timedOut {
            redialIfSilent()
            throw error
        }
    }

    /// Re-dials when nothing has answered for ``redialAfterSilence`` (at most once per that period): the
    /// peer may be down, or our dialer may have given up on it (``Socket/redial()`` says when).
    private func redialIfSilent() {
        let due = link.withLock { link in
            let now = ContinuousClock.now
            guard now - link.lastReply >= Self.redialAfterSilence, now - link.lastRedial >= Self.redialAfterSilence
            else { return false }
            link.lastRedial = now
            return true
        }
        if due { socket.redial() }
    }

    /// Closes the requester: pending requests fail with `.closed`, then contexts and socket are closed
    /// in that order. Idempotent; never waits for a peer.
    public func close() {
        contexts.close()
        SocketContext.tearDown(contexts.all, socket: socket)
    }
}
