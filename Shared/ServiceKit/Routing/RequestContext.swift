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
    /// When the request arrived, on the service's (injectable) clock, Unix epoch ms.
    public let nowMs: Int64
    /// The service's logger, without this request's metadata.
    let serviceLogger: Logger

    /// A logger carrying the request id and method.
    ///
    /// Made when asked for: setting metadata on a `StreamLogHandler` renders all of it again, which cost a
    /// quick read a tenth of its time when every request did it and almost none logs.
    public var logger: Logger { serviceLogger.forRequest(requestID, method: method) }
}

extension Logger {
    /// This logger with a request's id and method in its metadata.
    func forRequest(_ requestID: String, method: String) -> Logger {
        var logger = self
        logger[metadataKey: "request"] = "\(requestID)"
        logger[metadataKey: "method"] = "\(method)"
        return logger
    }
}
