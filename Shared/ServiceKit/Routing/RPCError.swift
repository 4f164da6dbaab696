public import Models

/// A failure a handler reports to its caller: a status code, a message for a human and, for bad
/// input, the field at fault. The router turns it into the Response envelope.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: StatusCode
    public let message: String
    /// For `.invalidArgument`: the path of the offending field, e.g. `"amount.currency"`.
    public let field: String

    public init(_ code: StatusCode, _ message: String, field: String = "") {
        self.code = code
        self.message = message
        self.field = field
    }

    /// Bad input: names the field and says what is wrong with it.
    public static func invalidArgument(_ field: String, _ reason: String) -> RPCError {
        RPCError(.invalidArgument, "\(field): \(reason)", field: field)
    }

    public static func notFound(_ message: String) -> RPCError { RPCError(.notFound, message) }
    public static func failedPrecondition(_ message: String) -> RPCError { RPCError(.failedPrecondition, message) }
    public static func unauthenticated(_ message: String) -> RPCError { RPCError(.unauthenticated, message) }
    public static func permissionDenied(_ message: String) -> RPCError { RPCError(.permissionDenied, message) }
    public static func unavailable(_ message: String) -> RPCError { RPCError(.unavailable, message) }
    public static func deadlineExceeded(_ message: String) -> RPCError { RPCError(.deadlineExceeded, message) }
    public static func internalError(_ message: String) -> RPCError { RPCError(.internal, message) }

    public var description: String { "\(code): \(message)" }
}
