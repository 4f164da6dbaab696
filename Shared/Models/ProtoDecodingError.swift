/// Why bytes could not be decoded into a message.
public struct ProtoDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct rather than an enum so that kinds can be added without
    /// breaking a caller's exhaustive `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The name of the kind, e.g. "messageTooLarge".
        public let description: String

        /// The input is longer than `DecodingLimits.maxMessageBytes`.
        public static let messageTooLarge = Code(description: "messageTooLarge")
        /// The input is not a valid encoding of the message (truncated, a bad tag or wire type,
        /// a length running past the end, …).
        public static let malformed = Code(description: "malformed")
        /// Decoding would have allocated more than `DecodingLimits.maxAllocatedBytes`.
        public static let allocationLimitExceeded = Code(description: "allocationLimitExceeded")
    }

    /// The kind of failure.
    public let code: Code
    /// The full proto name of the message being decoded, e.g. "cx.v1.Request".
    public let messageType: String
    /// For a human: what went wrong, without the message type.
    public let reason: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - messageType: The full proto name of the message being decoded.
    ///   - reason: What went wrong, for a human.
    public init(code: Code, messageType: String, reason: String) {
        self.code = code
        self.messageType = messageType
        self.reason = reason
    }

    /// "<message type>: <reason>", e.g. "cx.v1.Money: malformed or truncated protobuf".
    public var description: String { "\(messageType): \(reason)" }
}

extension ProtoDecodingError {
    static func messageTooLarge(_ messageType: String, byteCount: Int, limit: Int) -> Self {
        Self(
            code: .messageTooLarge, messageType: messageType,
            reason: "\(byteCount) bytes exceeds the \(limit)-byte limit")
    }

    static func malformed(_ messageType: String) -> Self {
        Self(code: .malformed, messageType: messageType, reason: "malformed or truncated protobuf")
    }

    static func allocationLimitExceeded(_ messageType: String, limit: Int) -> Self {
        Self(
            code: .allocationLimitExceeded, messageType: messageType,
            reason: "decoding needs more than the \(limit)-byte allocation limit")
    }
}
