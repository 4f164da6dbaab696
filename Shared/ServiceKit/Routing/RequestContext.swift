public import Logging

/// What a handler knows about the call it is answering.
public struct RequestContext: Sendable {
    /// "<service>.<Method>".
    public let method: String
    /// The caller's request id, or one the router made up; in every log line of the request.
    public let requestID: String
    /// The idempotency key in force for a write: the envelope's, else the request's natural id.
    public let idempotencyKey: String
    /// Who is calling (never log its secret; `AccessToken.description` hides it).
    public let caller: AccessToken
    /// When the caller stops waiting.
    public let deadline: ContinuousClock.Instant
    /// A logger carrying the request id and method.
    public let logger: Logger
    /// When the request arrived, on the service's (injectable) clock, Unix epoch ms.
    public let nowMs: Int64
}
