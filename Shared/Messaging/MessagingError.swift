internal import CNNG

/// A failure of the transport: a socket that could not be opened, an address that could not be used, a
/// deadline that passed, a peer that went away.
///
/// Every libnng return code reaches Swift through ``MessagingError/check(_:_:file:line:)``, so each error
/// names the nng call that failed and nng's own explanation of the code.
public struct MessagingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is; callers branch on it, people read ``description``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The deadline passed before the peer answered.
        public static let timedOut = Code("timed out")
        /// The socket was closed, locally, while the operation was pending or before it started.
        public static let closed = Code("closed")
        /// The calling task was cancelled.
        public static let cancelled = Code("cancelled")
        /// A message is larger than the configured cap.
        public static let messageTooLarge = Code("message too large")
        /// A URL that libnng cannot use (bad scheme, host or path).
        public static let invalidAddress = Code("invalid address")
        /// Another process already listens on the address.
        public static let addressInUse = Code("address in use")
        /// A certificate or key could not be read or used.
        public static let tlsConfiguration = Code("TLS configuration")
        /// Any other libnng failure; ``MessagingError/nngCode`` has the number.
        public static let transport = Code("transport failure")

        public var description: String { name }
    }

    /// The kind of failure.
    public let code: Code
    /// The failing call and what it was doing, e.g. `nng_listen(tcp://127.0.0.1:7001)`.
    public let operation: String
    /// Why, in words: nng's `nng_strerror` text or our own.
    public let reason: String
    /// The libnng error number, when the failure came from libnng.
    public let nngCode: Int32?
    /// Where in the suite's source the error was made.
    public let file: String
    public let line: Int

    public init(_ code: Code, operation: String, reason: String, file: String = #fileID, line: Int = #line) {
        self.init(code: code, operation: operation, reason: reason, nngCode: nil, file: file, line: line)
    }

    private init(code: Code, operation: String, reason: String, nngCode: Int32?, file: String, line: Int) {
        self.code = code
        self.operation = operation
        self.reason = reason
        self.nngCode = nngCode
        self.file = file
        self.line = line
    }

    /// Makes the error for a non-zero libnng return code.
    init(nng rv: Int32, operation: String, file: String = #fileID, line: Int = #line) {
        self.init(
            code: Self.code(forNNG: rv), operation: operation, reason: String(cString: nng_strerror(rv)), nngCode: rv,
            file: file, line: line)
    }

    /// The one choke point for libnng return codes: zero passes, anything else throws.
    /// - Parameters:
    ///   - rv: what the nng function returned.
    ///   - operation: the call and its argument, for the message (never a token or secret).
    /// - Throws: ``MessagingError`` carrying `nng_strerror(rv)`.
    static func check(_ rv: Int32, _ operation: @autoclosure () -> String, file: String = #fileID, line: Int = #line)
        throws(MessagingError)
    {
        if rv != 0 { throw MessagingError(nng: rv, operation: operation(), file: file, line: line) }
    }

    public var description: String { "\(operation): \(reason)" }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.operation == rhs.operation && lhs.reason == rhs.reason && lhs.nngCode == rhs.nngCode
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(operation)
        hasher.combine(reason)
    }

    private static func code(forNNG rv: Int32) -> Code {
        switch UInt32(bitPattern: rv) {
        case NNG_ETIMEDOUT.rawValue: .timedOut
        case NNG_ECLOSED.rawValue: .closed
        case NNG_ECANCELED.rawValue: .cancelled
        case NNG_EMSGSIZE.rawValue: .messageTooLarge
        case NNG_EADDRINVAL.rawValue, NNG_ENOTSUP.rawValue, NNG_EINVAL.rawValue: .invalidAddress
        case NNG_EADDRINUSE.rawValue: .addressInUse
        case NNG_ECRYPTO.rawValue, NNG_EPEERAUTH.rawValue: .tlsConfiguration
        default: .transport
        }
    }
}
