public import GRDB
import Dispatch
import Foundation

/// One service's SQLite database: WAL mode, the tables every service has (event log, idempotency
/// responses, subscription cursors), versioned migrations, and one writer that commits concurrent
/// writes together (group commit).
///
/// Reads run on a pool of reader connections, each on a snapshot, concurrently with the writer.
///
/// ```swift
/// let database = try ServiceDatabase(path: dataDirectory + "/loyalty.sqlite", migrations: [
///     ServiceMigration("loyalty_v1_ledger") { db in try db.execute(sql: "CREATE TABLE …") },
/// ])
/// let event = try await database.write { db in
///     try db.execute(sql: "INSERT INTO ledger …")
///     return try database.eventLog.append(NewEvent(type: "loyalty.PointsEarned", …), in: db)
/// }
/// ```
///
/// - Important: Kit tables (`kit_…`) are touched only through `eventLog`, `idempotency` and
///   `cursors`, so that another store can stand behind the same types later.
public final class ServiceDatabase: Sendable {
    /// The file given to `init`.
    public let path: String
    public let durability: Durability
    /// The transactional outbox of this service's events.
    public let eventLog = EventLog()
    /// First responses of idempotent writes.
    public let idempotency = IdempotencyStore()
    /// The last applied `seq` of each subscribed source.
    public let cursors = SubscriptionCursors()

    private let pool: DatabasePool
    private let pointReaders: PointReaders
    private let writer: WriteBatcher

    /// Opens the database at `path`, creating the file if needed, and brings its schema up to date:
    /// the kit's migrations, then `migrations` in order, each applied once per database.
    ///
    /// - Parameters:
    ///   - path: The database file. Its directory must exist; SQLite puts `-wal` and `-shm` files
    ///     next to it.
    ///   - durability: What an acknowledged write survives.
    ///   - migrations: The service's schema history; see `ServiceMigration`.
    ///   - maxBatchSize: The most writes one transaction carries.
    /// - Throws: `StorageError` naming `path`: `.cannotOpen` when the file or its directory is
    ///   missing or not writable, `.corrupt` when the file is not a sound SQLite database,
    ///   `.invalidMigration` or `.migrationFailed` for the schema.
    /// - Important: Opening blocks the calling thread while migrations run; open at startup.
    public init(
        path: String,
        durability: Durability = .processCrash,
        migrations: [ServiceMigration] = [],
        maxBatchSize: Int = 512
    ) throws {
        let migrator = try KitSchema.migrator(appending: migrations, path: path)
        let pool: DatabasePool
        let configuration = Self.configuration(path: path, durability: durability)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // When DatabasePool turns WAL on, after the preparation above, it also sets
            // synchronous=NORMAL on its writer: state ours again, last.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(durability.synchronousPragma)")
            }
            try migrator.migrate(pool)
        } catch let error as StorageError {
            throw error
        } catch {
            throw Self.openingError(error, path: path)
        }
        self.path = path
        self.durability = durability
        self.pool = pool
        // Opened after the migrations: the schema they see is the one the service keeps.
        self.pointReaders = PointReaders(
            path: path, configuration: configuration, limit: configuration.maximumReaderCount)
        self.writer = WriteBatcher(pool: pool, path: path, maxBatchSize: maxBatchSize)
    }

    /// Runs `body` in the next group commit, and returns its result once that commit is done.
    ///
    /// Concurrent calls are batched, up to `maxBatchSize`, into one transaction on the single
    /// writer connection. Bodies run one after another in arrival order, so a body sees the
    /// changes of the bodies before it. Each runs in its own savepoint: a body that throws rolls
    /// back its own changes only, its caller gets its error, and the rest of the batch commits.
    ///
    /// - Returns: What `body` returned, only after the transaction committed: acknowledged means
    ///   durable (to the level of `durability`).
    /// - Throws: What `body` threw; or `StorageError` `.notCommitted` when the transaction did not
    ///   commit although `body` succeeded (retrying is safe), `.closed` after `close()`, and
    ///   `CancellationError` when the caller was cancelled before its batch started.
    /// - Important: `body` runs on the writer's thread and holds up the whole batch: keep it to
    ///   database work, without side effects outside the database.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.write(body)
    }

    /// ``write(_:)`` for code that cannot await: `then` gets the outcome, on the writer's thread, once the
    /// transaction is over. The router's writes answered from the transport's thread use it, so that a
    /// write wakes no task of its own, neither to start nor to be answered.
    /// - Important: `then` holds up the rest of the batch's callers: hand the outcome on, nothing more.
    public func write<T: Sendable>(
        _ body: @escaping @Sendable (Database) throws -> T, then: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        writer.write(body, then: then)
    }

    /// Runs `body` on a reader connection, in a snapshot that sees every write committed before
    /// the call and none of those committed during it. Runs concurrently with the writer.
    ///
    /// - Throws: What `body` threw, or `StorageError` `.closed` after `close()`.
    ///
    /// `body` runs on the calling thread (GRDB's blocking read), not on a reader's dispatch queue:
    /// the async form's two thread hops (to the queue and back) cost more than a typical read, and
    /// were most of the gap between a service read and a bare NNG round trip. It blocks the caller
    /// no longer than `body` runs: a body cannot await, and the pool has more readers
    /// (`maximumReaderCount`) than the cooperative pool has threads, so none waits for a reader.
    public func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try readNow(body)
    }

    /// ``read(_:)`` for code that cannot await: the router's inline lookups, which run on the transport's
    /// thread. Runs on a ``PointReaders`` connection (no schema check before it), or on the pool's when
    /// all of those are lent out.
    public func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        guard !writer.isClosed else { throw StorageError(.closed, "the database at \(path) is closed") }
        func inTransaction(_ db: Database) throws -> T { try Self.inReadTransaction(db, body) }
        return try pointReaders.read(inTransaction) ?? pool.unsafeRead(inTransaction)
    }

    /// What GRDB's `read` does around `body` (one read transaction, so several statements see one
    /// snapshot), with its statements compiled once per connection: GRDB's own compiles `BEGIN` and
    /// `COMMIT` on every call, which was a sixth of a point read's cost.
    private static func inReadTransaction<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
        do {
            let result = try body(db)
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        } catch {
            // A reader's transaction changed nothing; it only has to end, so the next read starts afresh.
            if db.isInsideTransaction { try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute() }
            throw error
        }
    }

    /// Copies the database as of one committed moment into a new file at `path` with SQLite's online
    /// backup API, and returns what `inspect` reads from the copy.
    ///
    /// The copy runs on a reader connection inside one read transaction (one WAL snapshot), every
    /// page in one step: writes commit meanwhile and are not in the copy, and the copy never starts
    /// over (a backup in several steps restarts whenever another connection writes between them).
    /// - Parameters:
    ///   - path: A file that does not exist yet, in an existing directory.
    ///   - inspect: Reads the copy (its latest seq, its cursors) before it is closed.
    /// - Throws: `StorageError` `.closed` after `close()`, or SQLite's error.
    /// - Important: The copy blocks a thread for as long as it takes, so it runs off the
    ///   cooperative pool.
    public func backup<T: Sendable>(
        to path: String, inspect: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        guard !writer.isClosed else { throw StorageError(.closed, "the database at \(self.path) is closed") }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            DispatchQueue.global().async { [pool] in
                continuation.resume(
                    with: Result {
                        let copy = try DatabaseQueue(path: path)
                        do {
                            try pool.backup(to: copy)
                            let inspected = try copy.read(inspect)
                            try copy.close()
                            return inspected
                        } catch {
                            try? copy.close()
                            throw error
                        }
                    })
            }
        }
    }

    /// Calls `observer` after every commit that carried at least one write.
    ///
    /// - Important: Called on the writer's thread, after the callers are resumed: it must return at
    ///   once (signal something, start a task), never block or touch this database synchronously.
    public func addCommitObserver(_ observer: @escaping @Sendable () -> Void) {
        writer.addCommitObserver(observer)
    }

    /// The size in bytes of the database file plus its write-ahead log.
    public var fileSizeBytes: Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber
            return total + (size?.int64Value ?? 0)
        }
    }

    /// Commits and writes so far, for metrics: `writesPerCommit` shows how much batching helped.
    public var statistics: WriteStatistics { writer.statistics }

    /// Finishes the writes already queued, then closes every connection. Later calls throw
    /// `StorageError` `.closed`. Calling it again does nothing.
    ///
    /// - Throws: When SQLite cannot close a connection (a statement still running elsewhere).
    public func close() async throws {
        await writer.close()
        // Closing waits for readers still running; do that wait off the cooperative pool.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async { [pool, pointReaders] in
                continuation.resume(
                    with: Result {
                        try pointReaders.close()
                        try pool.close()
                    })
            }
        }
    }

    private static func configuration(path: String, durability: Durability) -> Configuration {
        var configuration = Configuration()
        configuration.label = path
        configuration.foreignKeysEnabled = true
        // Another process (a backup, the sqlite3 shell) may hold the write lock for a moment.
        configuration.busyMode = .timeout(5)
        // `read` blocks its calling thread: a reader for every cooperative thread, so none waits.
        configuration.maximumReaderCount = max(5, ProcessInfo.processInfo.activeProcessorCount + 1)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability.synchronousPragma)")
        }
        return configuration
    }

    private static func openingError(_ error: any Error, path: String) -> StorageError {
        guard let error = error as? DatabaseError else {
            return StorageError(.cannotOpen, "cannot open the database at \(path): \(error)")
        }
        let reason = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StorageError(.corrupt, "the database at \(path) is damaged or not an SQLite database: \(reason)")
        default:
            let hint = directoryProblem(of: path).map { " (\($0))" } ?? ""
            return StorageError(.cannotOpen, "cannot open the database at \(path): \(reason)\(hint)")
        }
    }

    /// Why the directory of `path` cannot hold a database, when the file system can tell.
    private static func directoryProblem(of path: String) -> String? {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            return "directory \(directory) does not exist"
        }
        guard isDirectory.boolValue else { return "\(directory) is not a directory" }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            return "directory \(directory) is not writable"
        }
        return nil
    }
}
