/// A setting that cannot be used, reported as one line naming the key, where it came from and why:
///
///     listen (env CX_LISTEN): "htp://0:7001": unknown transport "htp" (use one of inproc, ipc, tcp, tls+tcp)
///     data-dir (flag --data-dir): cannot create directory /srv/cx/feedback: Permission denied
///     lisen (file /etc/cx/feedback.conf:4): unknown setting (did you mean listen?)
///
/// Token secrets never appear in it.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is; callers branch on it, people read ``description``.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        private init(_ name: String) { self.name = name }

        /// A key, flag or `CX_` variable that is not a setting, or a stray argument.
        public static let unknownSetting = Code("unknown setting")
        /// A value that does not parse or is out of range.
        public static let invalidValue = Code("invalid value")
        /// A setting that is required, alone, or given twice in one source.
        public static let inconsistent = Code("inconsistent settings")
        /// A file or directory that cannot be read, created or written.
        public static let fileSystem = Code("file system")

        public var description: String { name }
    }

    public let code: Code
    /// The setting's key, e.g. `listen` or `peer.health.events`.
    public let key: String
    /// Where the value came from: `flag --listen`, `env CX_LISTEN`, `file /etc/cx.conf:12` or `default`.
    public let source: String
    /// What is wrong, in words.
    public let reason: String

    public init(_ code: Code, key: String, source: String, reason: String) {
        self.code = code
        self.key = key
        self.source = source
        self.reason = reason
    }

    public var description: String { "\(key) (\(source)): \(reason)" }
}
