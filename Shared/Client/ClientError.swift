public import Messaging
public import Models

/// Why a call failed: the service answered with a status other than OK, or no answer came.
public struct ClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The service's status code; `.unavailable` or `.deadlineExceeded` when the transport failed.
    public let code: StatusCode
    /// The service's message, or the transport's.
    public let message: String
    /// For `.invalidArgument`: the offending field's path.
    public let field: String
    /// The method called.
    public let method: String
    /// The transport failure behind it, when there was no answer.
    public let transport: MessagingError?

    public init(
        code: StatusCode, message: String, field: String = "", method: String, transport: MessagingError? = nil
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.method = method
        self.transport = transport
    }

    public var description: String { "\(method): \(code): \(message)" }
}
