public import Messaging
public import Models

/// A typed client of one service of the suite: `try await client.ping()`.
///
/// Each call carries the token, a deadline and a request id; a call that gets no answer (peer down,
/// connection lost) is retried until its deadline with the same request id and idempotency key, so
/// a write is never applied twice however often it is sent.
public final class ServiceClient: Sendable {
    /// The service's name, e.g. "loyalty"; methods are called as "<service>.<Method>".
    public let service: String
    private let requester: Requester
    private let token: String
    private let defaultTimeout: Duration

    /// - Parameters:
    ///   - service: the service's name.
    ///   - endpoints: where it answers requests.
    ///   - token: the bearer token sent with every call.
    ///   - defaultTimeout: the deadline of a call that names none.
    /// - Throws: ``MessagingError`` for an unusable endpoint.
    public init(
        service: String, endpoints: [Endpoint], token: String, options: SocketOptions = ServiceClient.socketOptions,
        defaultTimeout: Duration = .seconds(10), maxInFlight: Int = 64
    ) throws(MessagingError) {
        self.service = service
        self.requester = try Requester(dialing: endpoints, options: options, maxInFlight: maxInFlight)
        self.token = token
        self.defaultTimeout = defaultTimeout
    }

    /// Client sockets resend a request that got no reply after 1 s: services are idempotent, and a
    /// request lost with a crashed peer is then re-sent as soon as the peer is back.
    public static var socketOptions: SocketOptions {
        var options = SocketOptions()
        options.requestResendInterval = .seconds(1)
        return options
    }

    deinit { requester.close() }

    /// Calls `<service>.<method>`.
    /// - Parameters:
    ///   - idempotencyKey: for writes; empty uses the request's natural id, if the method has one.
    ///   - timeout: the whole budget, retries included.
    /// - Throws: ``ClientError``.
    public func call<Request: ProtoMessage, Reply: ProtoMessage>(
        _ method: String, _ request: Request, returning: Reply.Type = Reply.self, idempotencyKey: String = "",
        timeout: Duration? = nil
    ) async throws(ClientError) -> Reply {
        try await callReportingReplay(method, request, idempotencyKey: idempotencyKey, timeout: timeout).reply
    }

    /// Calls `<service>.<method>` and says whether the reply is the stored one of an earlier write with
    /// the same idempotency key (or natural id): then the write was applied before, not by this call.
    /// - Throws: ``ClientError``.
    public func callReportingReplay<Request: ProtoMessage, Reply: ProtoMessage>(
        _ method: String, _ request: Request, returning: Reply.Type = Reply.self, idempotencyKey: String = "",
        timeout: Duration? = nil
    ) async throws(ClientError) -> (reply: Reply, replayed: Bool) {
        let fullMethod = "\(service).\(method)"
        let budget = timeout ?? defaultTimeout
        let envelope = Models.Request(
            method: fullMethod, requestId: RequestID.next(),
            idempotencyKey: idempotencyKey, authToken: token,
            deadlineMs: Int64(budget.components.seconds * 1000)
                + Int64(budget.components.attoseconds / 1_000_000_000_000_000), body: request.serializedBytes())
        let replyBytes: [UInt8]
        do {
            // The REQ socket resends by itself until the deadline; one request covers the retries.
            replyBytes = try await requester.request(envelope.serializedBytes(), timeout: budget)
        } catch let error as MessagingError {
            let code: StatusCode = error.code == .timedOut ? .deadlineExceeded : .unavailable
            throw ClientError(code: code, message: error.description, method: fullMethod, transport: error)
        } catch {
            throw ClientError(code: .unavailable, message: "\(error)", method: fullMethod)
        }
        let response: Response
        do {
            response = try Response(serializedBytes: replyBytes)
        } catch {
            throw ClientError(code: .internal, message: "undecodable response: \(error.reason)", method: fullMethod)
        }
        guard response.code == .ok else {
            throw ClientError(code: response.code, message: response.message, field: response.field, method: fullMethod)
        }
        do {
            return (try Reply(serializedBytes: response.body), response.replayed)
        } catch {
            throw ClientError(
                code: .internal, message: "undecodable \(Reply.protoName): \(error.reason)", method: fullMethod)
        }
    }

    /// Calls `<service>.Ping`.
    public func ping(nonce: String = "", timeout: Duration? = nil) async throws(ClientError) -> PingResponse {
        try await call("Ping", PingRequest(nonce: nonce), timeout: timeout)
    }

    /// Calls `<service>.Status`.
    public func status(timeout: Duration? = nil) async throws(ClientError) -> StatusResponse {
        try await call("Status", StatusRequest(), timeout: timeout)
    }

    /// Calls `<service>.ReplayEvents`: events with seq above `afterSeq`, at most `limit`.
    public func replayEvents(after afterSeq: UInt64, limit: UInt32 = 1000, timeout: Duration? = nil)
        async throws(ClientError) -> ReplayEventsResponse
    {
        try await call("ReplayEvents", ReplayEventsRequest(afterSeq: afterSeq, limit: limit), timeout: timeout)
    }

    /// Closes the socket; pending calls fail.
    public func close() { requester.close() }
}
