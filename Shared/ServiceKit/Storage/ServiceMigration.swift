public import GRDB

/// One step of a service's schema history, applied once per database in the order given.
///
/// - Important: The identifier is written into the database when the step runs, so it must never
///   change, and a step must never be edited once shipped: add a new one instead. Identifiers
///   starting with `kit_` belong to the storage layer.
public struct ServiceMigration: Sendable {
    public let identifier: String
    let migrate: @Sendable (Database) throws -> Void

    /// - Parameters:
    ///   - identifier: Stable forever, unique within the service, e.g. `"loyalty_v1_ledger"`.
    ///   - migrate: Runs inside a transaction with foreign-key checks deferred to its end.
    public init(_ identifier: String, _ migrate: @escaping @Sendable (Database) throws -> Void) {
        self.identifier = identifier
        self.migrate = migrate
    }
}

/// The tables every service has, and the migrator that puts them before the service's own.
enum KitSchema {
    static let reservedPrefix = "kit_"

    /// The kit's own steps. Append only: a new kit step runs after the service steps already
    /// applied to an existing database, which is fine because kit tables never refer to service ones.
    static let migrations: [ServiceMigration] = [
        ServiceMigration("kit_v1_outbox_idempotency_cursors") { db in
            // `seq` is assigned by EventLog (max + 1 inside the transaction), never by SQLite.
            // `event_id` is a random UUID and nothing looks events up by it: no index, so an append
            // does not dirty a random index page.
            try db.execute(
                sql: """
                    CREATE TABLE kit_events (
                        seq INTEGER PRIMARY KEY,
                        event_id TEXT NOT NULL,
                        type TEXT NOT NULL,
                        customer_id TEXT NOT NULL,
                        occurred_at_ms INTEGER NOT NULL,
                        body BLOB NOT NULL
                    ) STRICT;
                    CREATE TABLE kit_idempotency (
                        method TEXT NOT NULL,
                        key TEXT NOT NULL,
                        response BLOB NOT NULL,
                        PRIMARY KEY (method, key)
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE kit_subscription_cursors (
                        source TEXT NOT NULL PRIMARY KEY,
                        applied_seq INTEGER NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    """
            )
        }
    ]

    /// The kit's steps followed by the service's, each service step wrapped so that its failure
    /// names it and the database.
    ///
    /// - Throws: `StorageError.Code.invalidMigration` for an empty, duplicate or reserved identifier
    ///   (GRDB would stop the process on a duplicate).
    static func migrator(appending serviceMigrations: [ServiceMigration], path: String) throws -> DatabaseMigrator {
        var seen: Set<String> = []
        for migration in serviceMigrations {
            let identifier = migration.identifier
            guard !identifier.isEmpty else {
                throw StorageError(.invalidMigration, "a migration of \(path) has an empty identifier")
            }
            guard !identifier.hasPrefix(reservedPrefix) else {
                throw StorageError(
                    .invalidMigration,
                    "migration \"\(identifier)\" of \(path): the prefix \"\(reservedPrefix)\" is reserved for the kit"
                )
            }
            guard seen.insert(identifier).inserted else {
                throw StorageError(.invalidMigration, "migration \"\(identifier)\" of \(path) is listed twice")
            }
        }

        var migrator = DatabaseMigrator()
        for migration in migrations + serviceMigrations {
            let identifier = migration.identifier
            let migrate = migration.migrate
            migrator.registerMigration(identifier) { db in
                do {
                    try migrate(db)
                } catch {
                    throw StorageError(.migrationFailed, "migration \"\(identifier)\" of \(path) failed: \(error)")
                }
            }
        }
        return migrator
    }
}
