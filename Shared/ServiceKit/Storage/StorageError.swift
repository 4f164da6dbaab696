/// A failure of the storage layer: opening, migrating, or committing a service's database.
///
/// Errors thrown by a write body reach its caller unchanged; this type is for what the storage
/// layer itself has to say.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New kinds may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case cannotOpen, corrupt, invalidMigration, migrationFailed, notCommitted, closed
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The file or its directory is missing, not writable, or otherwise unusable.
        public static let cannotOpen = Code(.cannotOpen)
        /// The file is not an SQLite database, or SQLite found it damaged.
        public static let corrupt = Code(.corrupt)
        /// A migration list the kit refuses: a duplicate identifier or one in the kit's namespace.
        public static let invalidMigration = Code(.invalidMigration)
        /// A migration threw; the database is left at the last migration that succeeded.
        public static let migrationFailed = Code(.migrationFailed)
        /// The transaction carrying a write did not commit, so the write is not durable; the write
        /// itself may have been fine (another write in its batch aborted the transaction, or the
        /// commit failed, e.g. disk full). Retrying it is safe.
        public static let notCommitted = Code(.notCommitted)
        /// The database was closed before the call.
        public static let closed = Code(.closed)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// For a human: what failed, naming the database path where there is one.
    public let message: String
    /// Where the error was made, for debugging; not part of equality.
    public let file: String
    public let line: Int

    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public static func == (lhs: StorageError, rhs: StorageError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }

    public var description: String { "StorageError.\(code): \(message)" }
}
